import type { ExecutionRequest, WorkflowExecutor } from "@aloft/db";
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { ExecutionCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ProjectRegisterRequestSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { SignalGetOrCreateRequestSchema, SignalSetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import { DataCatalog, GetDatasetResponseSchema } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { booleanLiteral, booleanType } from "@aloft/idl";
import { CreateUploadLocationRequestSchema } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AdminConfigInput, compileAdminConfig } from "./config/admin-config.js";
import { type AdminService, createAdminService, type CreateAdminServiceOptions } from "./create-admin-service.js";
import { testContext } from "./managers/registration-harness.test-helper.js";
import { launchPlanRequest, taskRequest, workflowRequest } from "./managers/registration-requests.test-helper.js";
import { createAdminLogger } from "./server/create-logger.js";
import { serviceRegistration } from "./rpc/flyte-services.js";
import { AdminMetrics } from "./server/metrics.js";

let dir: { path: string; cleanup: () => Promise<void> };
const services: AdminService[] = [];

beforeEach(async () => {
  dir = await makeTempDir("aloft-admin-service-");
});
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  await dir.cleanup();
});

/** An admin over an SQLite file and a blob folder in the temp dir, port 0, quiet logs. */
async function start(
  input: AdminConfigInput = {},
  options: Pick<CreateAdminServiceOptions, "executor" | "onSignalSet" | "extraServices"> = {},
) {
  const config = compileAdminConfig(
    {
      server: { host: "127.0.0.1", port: 0 },
      database: { url: `sqlite://${join(dir.path, "admin.db")}` },
      storage: { root: join(dir.path, "blobs") },
      ...input,
    },
    { homeDir: dir.path },
  );
  const service = await createAdminService({
    config,
    logger: createAdminLogger({ level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    metrics: new AdminMetrics({ defaultMetrics: false }),
    secretsDir: join(dir.path, "secrets"),
    ...options,
  });
  services.push(service);
  return service;
}

async function registerLaunchPlan(service: AdminService): Promise<void> {
  const m = service.managers;
  await m.projects.registerProject(
    create(ProjectRegisterRequestSchema, { project: { id: "admintests", name: "admintests" } }),
    testContext,
  );
  await m.tasks.createTask(taskRequest(), testContext);
  await m.workflows.createWorkflow(workflowRequest(), testContext);
  await m.launchPlans.createLaunchPlan(launchPlanRequest(), testContext);
}

const executionRequest = (name: string) =>
  create(ExecutionCreateRequestSchema, {
    project: "admintests",
    domain: "development",
    name,
    spec: {
      launchPlan: {
        resourceType: ResourceType.LAUNCH_PLAN,
        project: "admintests",
        domain: "development",
        name: "launch_plan",
        version: "123",
      },
    },
  });

describe("createAdminService", () => {
  it("signs blob URLs for the port it actually bound, and admin serves them", async () => {
    const service = await start({ seedProjects: ["flytesnacks"] });
    const { url, publicUrl, port } = await service.server.listen();
    expect(publicUrl).toBe(`http://127.0.0.1:${port}`);
    expect(url).toBe(publicUrl);

    const body = Buffer.from("hello");
    const location = await service.managers.dataProxy.createUploadLocation(
      create(CreateUploadLocationRequestSchema, {
        project: "flytesnacks",
        domain: "development",
        filenameRoot: "root",
        filename: "hello.txt",
        contentMd5: createHash("md5").update(body).digest(),
      }),
      testContext,
    );
    expect(location.signedUrl.startsWith(`${publicUrl}/blobs/`)).toBe(true);
    const put = await fetch(location.signedUrl, {
      method: "PUT",
      headers: location.headers,
      body,
    });
    expect(put.status).toBe(200);
    expect(Buffer.from(await service.blobStore.get(location.nativeUrl)).toString()).toBe("hello");
  });

  it("generates the signing secret once (owner-only file) and reuses it after a restart", async () => {
    const first = await start();
    await first.server.listen();
    const file = join(dir.path, "secrets", "blob-signing-key");
    const secret = await readFile(file, "utf8");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const uri = `${first.blobStore.baseUri}/a/b`;
    await first.blobStore.put(uri, "kept");
    const signed = await first.blobStore.signedUrl(uri, { method: "GET", expiresInMs: 60_000 });
    await first.close();

    const second = await start();
    const { url } = await second.server.listen();
    expect(await readFile(file, "utf8")).toBe(secret);
    // The URL names the first admin's port; admin checks only its path and signature.
    const { pathname, search } = new URL(signed.url);
    const response = await fetch(`${url}${pathname}${search}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("kept");
  });

  it("seeds configured projects once and leaves existing ones as they are", async () => {
    const first = await start({ seedProjects: ["project", { name: "flytekit", description: "kit" }] });
    expect(first.seededProjects).toEqual(["project", "flytekit"]);
    await first.repositories.projects.update("project", { name: "renamed" });
    await first.close();

    const second = await start({ seedProjects: ["project", "flytekit", "admintests"] });
    expect(second.seededProjects).toEqual(["admintests"]);
    const rows = await second.repositories.projects.list({ limit: 0 });
    expect(rows.map((r) => [r.identifier, r.name, r.description])).toEqual([
      ["admintests", "admintests", "admintests description"],
      ["flytekit", "flytekit", "kit"],
      ["project", "renamed", "project description"],
    ]);
  });

  it("hands executions to the embedded queue, which a queue consumer claims", async () => {
    const service = await start();
    await registerLaunchPlan(service);
    await service.managers.executions.createExecution(executionRequest("exec1"), testContext);
    const consumer = service.createQueueConsumer({ owner: "engine-test" });
    const claimed = await consumer.claim({ limit: 10, leaseMs: 30_000 });
    expect(claimed.map((item) => [item.kind, item.kind === "create" ? item.request.executionId.name : ""])).toEqual([
      ["create", "exec1"],
    ]);
    expect(await consumer.complete(claimed[0]!)).toBe(true);
  });

  it("uses an injected executor instead of the queue", async () => {
    const seen: ExecutionRequest[] = [];
    const executor: WorkflowExecutor = {
      id: "test",
      async execute(request) {
        seen.push(request);
        return { cluster: "" };
      },
      async abort() {},
    };
    const service = await start({}, { executor });
    await registerLaunchPlan(service);
    await service.managers.executions.createExecution(executionRequest("exec2"), testContext);
    expect(seen.map((r) => r.executionId.name)).toEqual(["exec2"]);
    expect(await service.repositories.executionQueue.list()).toEqual([]);
  });

  it("tells onSignalSet which execution a signal was set for", async () => {
    const seen: string[] = [];
    const service = await start({}, { onSignalSet: (id) => seen.push(id.name) });
    const id = { executionId: { project: "admintests", domain: "development", name: "exec9" }, signalId: "go" };
    await service.managers.signals.getOrCreateSignal(
      create(SignalGetOrCreateRequestSchema, { id, type: booleanType() }),
      testContext,
    );
    expect(seen).toEqual([]);
    await service.managers.signals.setSignal(
      create(SignalSetRequestSchema, { id, value: booleanLiteral(true) }),
      testContext,
    );
    expect(seen).toEqual(["exec9"]);
  });

  it("serves extra gRPC services on admin's port, built over its database", async () => {
    let tables = 0;
    const service = await start(
      {},
      {
        extraServices: async ({ database }) => {
          tables = (await database.db.introspection.getTables()).length;
          return [
            serviceRegistration(DataCatalog, {
              getDataset: () => create(GetDatasetResponseSchema, { dataset: { id: { name: "served" } } }),
            }),
          ];
        },
      },
    );
    expect(tables).toBeGreaterThan(0);
    const { url } = await service.server.listen();
    const reply = await fetch(`${url}/datacatalog.DataCatalog/GetDataset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await reply.json()).toEqual({ dataset: { id: { name: "served" } } });
  });

  it("closes the server and then the database, once however often it is asked", async () => {
    const service = await start();
    const { url } = await service.server.listen();
    expect((await fetch(`${url}/healthcheck`)).status).toBe(200);
    await Promise.all([service.close(), service.close()]);
    await expect(fetch(`${url}/healthcheck`)).rejects.toThrow();
    await expect(service.repositories.projects.list({ limit: 0 })).rejects.toThrow();
  });
});
