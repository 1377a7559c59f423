import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { LaunchPlanCreateRequestSchema, LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskCreateRequestSchema, TaskSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { afterEach, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import { startTestServer, type TestServer } from "../server/fake-managers.test-helper.js";
import { createAuthMetadataManager } from "./auth-metadata-manager.js";
import { createIdentityManager } from "./identity-manager.js";
import { createRegistrationManagers, useTempBlobStore } from "./registration-harness.test-helper.js";
import { launchPlanRequest, taskRequest, workflowRequest } from "./registration-requests.test-helper.js";
import { createVersionManager } from "./version-manager.js";

const blobStore = useTempBlobStore();
const binary = { "content-type": "application/octet-stream", accept: "application/octet-stream" };
const json = { "content-type": "application/json", accept: "application/json" };

describeEachDialect("registration through the REST gateway", (db) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(): Promise<(path: string, init?: RequestInit) => Promise<{ status: number; body: Buffer }>> {
    const m = createRegistrationManagers(db(), blobStore());
    server = await startTestServer({
      managers: {
        projects: m.projects,
        tasks: m.tasks,
        workflows: m.workflows,
        launchPlans: m.launchPlans,
        attributes: m.attributes,
        namedEntities: m.namedEntities,
        descriptionEntities: m.descriptionEntities,
        version: createVersionManager({ version: "0.1.0" }),
        authMetadata: createAuthMetadataManager(),
        identity: createIdentityManager(),
      },
    });
    const url = server.url;
    return async (path, init = {}) => {
      const response = await fetch(url + path, init);
      return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
    };
  }

  it("registers, re-registers, activates and lists as flytectl and the console do", async () => {
    const call = await start();
    const project = await call("/api/v1/projects", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ project: { id: "admintests", name: "admintests" } }),
    });
    expect(project.status).toBe(200);

    const task = toBinary(TaskCreateRequestSchema, taskRequest());
    expect((await call("/api/v1/tasks", { method: "POST", headers: binary, body: task })).status).toBe(200);
    const again = await call("/api/v1/tasks", { method: "POST", headers: json, body: JSON.stringify({}) });
    expect(again.status).toBe(400);
    const duplicate = await call("/api/v1/tasks", {
      method: "POST",
      headers: { ...binary, accept: "application/json" },
      body: task,
    });
    expect(duplicate.status).toBe(409);
    expect(JSON.parse(duplicate.body.toString())).toMatchObject({
      code: 6,
      message: "task with identical structure already exists",
    });
    const got = await call("/api/v1/tasks/admintests/development/task/123", { headers: binary });
    expect(fromBinary(TaskSchema, got.body).id?.name).toBe("task");

    const workflow = toBinary(WorkflowCreateRequestSchema, workflowRequest());
    expect((await call("/api/v1/workflows", { method: "POST", headers: binary, body: workflow })).status).toBe(200);
    const workflowAgain = await call("/api/v1/workflows", {
      method: "POST",
      headers: { ...binary, accept: "application/json" },
      body: workflow,
    });
    expect(workflowAgain.status).toBe(409);
    expect(JSON.parse(workflowAgain.body.toString()).details).toEqual([
      expect.objectContaining({ "@type": "type.googleapis.com/flyteidl.admin.CreateWorkflowFailureReason" }),
    ]);

    const launchPlan = toBinary(
      LaunchPlanCreateRequestSchema,
      create(LaunchPlanCreateRequestSchema, launchPlanRequest()),
    );
    expect((await call("/api/v1/launch_plans", { method: "POST", headers: binary, body: launchPlan })).status).toBe(
      200,
    );
    // The REST route carries no resource type: the RPC layer defaults it, as flyteadmin's does.
    const activate = await call("/api/v1/launch_plans/admintests/development/launch_plan/123", {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ state: "ACTIVE" }),
    });
    expect(activate.status).toBe(200);
    const active = await call("/api/v1/active_launch_plans/admintests/development/launch_plan", { headers: binary });
    expect(fromBinary(LaunchPlanSchema, active.body).id?.version).toBe("123");

    const named = await call("/api/v1/named_entities/2/admintests/development?limit=10", { headers: json });
    expect(JSON.parse(named.body.toString()).entities.map((e: { id: { name: string } }) => e.id.name)).toEqual([
      "workflow",
    ]);
    const me = await call("/me", { headers: json });
    expect(me.status).toBe(501);
  });
});
