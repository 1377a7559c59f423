import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { connect as http2Connect } from "node:http2";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { repoRoot } from "@aloft/test-helpers";
import { create, fromBinary } from "@bufbuild/protobuf";
import { anyUnpack, FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code as ConnectCode, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { EventFailureReasonSchema } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fake-managers.test-helper.js";
import {
  HealthService,
  type ReflectionRequest,
  ReflectionServiceV1,
  ReflectionServiceV1Alpha,
  RpcStatusSchema,
  ServingStatus,
} from "./grpc-protos.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const transports: [string, () => Transport][] = [
  ["gRPC over h2c", () => createGrpcTransport({ baseUrl: t.url })],
  ["gRPC-Web over HTTP/1.1", () => createGrpcWebTransport({ baseUrl: t.url, httpVersion: "1.1" })],
  ["Connect over HTTP/1.1", () => createConnectTransport({ baseUrl: t.url, httpVersion: "1.1" })],
  ["Connect JSON over h2c", () => createConnectTransport({ baseUrl: t.url, httpVersion: "2", useBinaryFormat: false })],
];

describe.each(transports)("%s on the shared port", (_name, transport) => {
  it("calls AdminService and gets the manager's answer", async () => {
    const client = createClient(AdminService, transport());
    const version = await client.getVersion({});
    expect(version.controlPlaneVersion?.Version).toBe("v1.2.3");
    await client.createTask({ id: { resourceType: 1, project: "p", domain: "d", name: `t-${_name}`, version: "v" } });
    const task = await client.getTask({ id: { project: "p", domain: "d", name: `t-${_name}`, version: "v" } });
    expect(task.id?.resourceType).toBe(1);
  });

  it("gets flyteadmin's code, message and typed details", async () => {
    const client = createClient(AdminService, transport());
    let error: ConnectError | undefined;
    try {
      await client.createWorkflowEvent({ requestId: "r", event: { phase: WorkflowExecution_Phase.SUCCEEDED } });
    } catch (e) {
      error = ConnectError.from(e);
    }
    expect(error?.code).toBe(ConnectCode.FailedPrecondition);
    expect(error?.rawMessage).toBe("invalid phase change from SUCCEEDED to SUCCEEDED");
    const [reason] = error!.findDetails(EventFailureReasonSchema);
    expect(reason?.reason.case).toBe("alreadyInTerminalState");
    expect(reason?.reason.value).toMatchObject({ currentPhase: "SUCCEEDED" });
  });

  it("answers UNIMPLEMENTED for RPCs without a manager", async () => {
    const client = createClient(SignalService, transport());
    await expect(client.getOrCreateSignal({})).rejects.toMatchObject({ code: ConnectCode.Canceled });
    const admin = createClient(AdminService, transport());
    await expect(admin.listWorkflows({})).rejects.toMatchObject({
      code: ConnectCode.Unimplemented,
      rawMessage: "flyteidl.service.AdminService.ListWorkflows is not implemented",
    });
  });
});

describe("an independent gRPC client (grpc-js with proto-loader over flyteidl's .proto files)", () => {
  const require = createRequire(import.meta.url);
  const protos = join(dirname(require.resolve("@flyteorg/flyteidl/package.json")), "protos");
  const googleProtos = dirname(require.resolve("google-proto-files/package.json"));
  const definition = protoLoader.loadSync("flyteidl/service/admin.proto", {
    includeDirs: [protos, join(repoRoot, "packages", "idl", "third_party"), googleProtos],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    flyteidl: { service: { AdminService: grpc.ServiceClientConstructor } };
  };

  it("gets NOT_FOUND with the message, and typed details in grpc-status-details-bin", async () => {
    const client = new loaded.flyteidl.service.AdminService(`127.0.0.1:${t.port}`, grpc.credentials.createInsecure());
    try {
      const missing = await new Promise<grpc.ServiceError>((resolve, reject) => {
        client["GetTask"]!(
          { id: { project: "p", domain: "d", name: "nope", version: "v" } },
          (error: grpc.ServiceError | null) => (error ? resolve(error) : reject(new Error("expected an error"))),
        );
      });
      expect(missing.code).toBe(grpc.status.NOT_FOUND);
      expect(missing.details).toBe("missing entity of type TASK with identifier task p/d/nope@v");

      const terminal = await new Promise<grpc.ServiceError>((resolve, reject) => {
        client["TerminateExecution"]!(
          { id: { project: "p", domain: "d", name: "e" } },
          (error: grpc.ServiceError | null) => (error ? resolve(error) : reject(new Error("expected an error"))),
        );
      });
      expect(terminal.code).toBe(grpc.status.FAILED_PRECONDITION);
      const [bin] = terminal.metadata.get("grpc-status-details-bin") as Buffer[];
      const status = fromBinary(RpcStatusSchema, bin!);
      expect(status.code).toBe(9);
      expect(status.message).toBe("Cannot abort an already terminated workflow execution");
      const reason = anyUnpack(status.details[0]!, EventFailureReasonSchema);
      expect(reason?.reason).toMatchObject({ case: "alreadyInTerminalState", value: { currentPhase: "SUCCEEDED" } });

      const version = await new Promise<{ control_plane_version: { Version: string } }>((resolve, reject) => {
        client["GetVersion"]!(
          {},
          (error: grpc.ServiceError | null, reply: { control_plane_version: { Version: string } }) =>
            error ? reject(error) : resolve(reply),
        );
      });
      expect(version.control_plane_version.Version).toBe("v1.2.3");
    } finally {
      client.close();
    }
  });

  it("gets UNIMPLEMENTED for a service this server does not have", async () => {
    const client = new grpc.Client(`127.0.0.1:${t.port}`, grpc.credentials.createInsecure());
    try {
      const error = await new Promise<grpc.ServiceError>((resolve, reject) => {
        client.makeUnaryRequest(
          "/flyteidl.service.Nope/Call",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          (e: grpc.ServiceError | null) => (e ? resolve(e) : reject(new Error("expected an error"))),
        );
      });
      expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(error.details).toBe("unknown service flyteidl.service.Nope");
    } finally {
      client.close();
    }
  });
});

describe("gRPC health", () => {
  it("reports SERVING for the server, flyteadmin and each service, NOT_FOUND for others", async () => {
    const health = createClient(HealthService, createGrpcTransport({ baseUrl: t.url }));
    for (const service of ["", "flyteadmin", "flyteidl.service.AdminService"]) {
      expect((await health.check({ service })).status).toBe(ServingStatus.SERVING);
    }
    await expect(health.check({ service: "nope" })).rejects.toMatchObject({
      code: ConnectCode.NotFound,
      rawMessage: "unknown service",
    });
  });

  it("streams the status on Watch, SERVICE_UNKNOWN for unknown names", async () => {
    const health = createClient(HealthService, createGrpcTransport({ baseUrl: t.url }));
    for (const [service, expected] of [
      ["", ServingStatus.SERVING],
      ["nope", ServingStatus.SERVICE_UNKNOWN],
    ] as const) {
      const abort = new AbortController();
      for await (const reply of health.watch({ service }, { signal: abort.signal })) {
        expect(reply.status).toBe(expected);
        break;
      }
      abort.abort();
    }
  });
});

describe("gRPC server reflection", () => {
  async function ask(version: "v1" | "v1alpha", requests: Partial<ReflectionRequest>[]) {
    const service = version === "v1" ? ReflectionServiceV1 : ReflectionServiceV1Alpha;
    const client = createClient(service, createGrpcTransport({ baseUrl: t.url }));
    async function* input() {
      for (const r of requests) yield { host: "", ...r } as ReflectionRequest;
    }
    const out = [];
    for await (const response of client.serverReflectionInfo(input())) out.push(response);
    return out;
  }

  it("lists the services", async () => {
    for (const version of ["v1", "v1alpha"] as const) {
      const [reply] = await ask(version, [{ messageRequest: { case: "listServices", value: "*" } }]);
      expect(reply?.messageResponse.case).toBe("listServicesResponse");
      const names = (reply?.messageResponse.value as { service: { name: string }[] }).service.map((s) => s.name);
      expect(names).toEqual([
        "flyteidl.service.AdminService",
        "flyteidl.service.AuthMetadataService",
        "flyteidl.service.DataProxyService",
        "flyteidl.service.IdentityService",
        "flyteidl.service.SignalService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]);
    }
  });

  it("sends a file with its dependencies once per stream, by name or by symbol", async () => {
    const [byName, bySymbol, byMethod] = await ask("v1", [
      { messageRequest: { case: "fileByFilename", value: "flyteidl/admin/task.proto" } },
      { messageRequest: { case: "fileContainingSymbol", value: "flyteidl.admin.TaskClosure" } },
      { messageRequest: { case: "fileContainingSymbol", value: "flyteidl.service.AdminService.GetTask" } },
    ]);
    const names = (reply: typeof byName) =>
      (reply?.messageResponse.value as { fileDescriptorProto: Uint8Array[] }).fileDescriptorProto.map(
        (bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name,
      );
    const first = names(byName);
    expect(first[0]).toBe("flyteidl/admin/task.proto");
    expect(first).toContain("flyteidl/core/tasks.proto");
    expect(first).toContain("google/protobuf/timestamp.proto");
    // The second answer repeats only the requested file: its dependencies went out already.
    expect(names(bySymbol)).toEqual(["flyteidl/admin/task.proto"]);
    const service = names(byMethod);
    expect(service[0]).toBe("flyteidl/service/admin.proto");
    expect(service).toContain("google/api/annotations.proto");
    expect(service).not.toContain("flyteidl/admin/task.proto");
  });

  it("answers NOT_FOUND inside the stream for unknown names", async () => {
    const [file, symbol] = await ask("v1alpha", [
      { messageRequest: { case: "fileByFilename", value: "nope.proto" } },
      { messageRequest: { case: "fileContainingSymbol", value: "no.Such" } },
    ]);
    expect(file?.messageResponse).toEqual({
      case: "errorResponse",
      value: expect.objectContaining({ errorCode: 5, errorMessage: "file not found: nope.proto" }),
    });
    expect(symbol?.messageResponse.value).toMatchObject({ errorCode: 5, errorMessage: "symbol not found: no.Such" });
  });

  it("reports extension numbers of a message", async () => {
    const [reply] = await ask("v1", [
      { messageRequest: { case: "allExtensionNumbersOfType", value: "google.protobuf.MethodOptions" } },
    ]);
    expect(reply?.messageResponse.value).toMatchObject({
      baseTypeName: "google.protobuf.MethodOptions",
      extensionNumber: [1042, 72295728],
    });
  });
});

describe("plain routes", () => {
  it("answer /healthcheck with an empty 200 on any method", async () => {
    for (const method of ["GET", "POST"]) {
      const reply = await fetch(`${t.url}/healthcheck`, { method });
      expect(reply.status).toBe(200);
      expect(await reply.text()).toBe("");
    }
  });

  it("expose Prometheus metrics per RPC and transport", async () => {
    await createClient(AdminService, createGrpcTransport({ baseUrl: t.url })).getVersion({});
    await fetch(`${t.url}/api/v1/version`);
    t.server.metrics.observeDbQuery({ operation: "tasks.get", durationMs: 1.5 });
    const reply = await fetch(`${t.url}/metrics`);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await reply.text();
    expect(text).toMatch(
      /aloft_admin_rpc_requests_total\{service="flyteidl.service.AdminService",method="GetVersion",transport="grpc",code="ok"\} [1-9]/,
    );
    expect(text).toMatch(
      /aloft_admin_rpc_requests_total\{service="flyteidl.service.AdminService",method="GetVersion",transport="rest",code="ok"\} [1-9]/,
    );
    expect(text).toMatch(/aloft_admin_db_query_duration_seconds_count\{operation="tasks.get",ok="true"\} 1/);
  });

  it("serve HTTP/1.1 and HTTP/2 prior-knowledge REST on the same port", async () => {
    const session = http2Connect(t.url);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ":path": "/api/v1/version", accept: "application/json" });
        let text = "";
        stream.on("data", (c: Buffer) => (text += c.toString()));
        stream.on("end", () => resolve(text));
        stream.on("error", reject);
      });
      expect(JSON.parse(body)).toEqual({
        control_plane_version: { Build: "abc", Version: "v1.2.3", BuildTime: "2026-01-01" },
      });
    } finally {
      session.close();
    }
  });
});

describe("the transports share one implementation", () => {
  it("so REST and gRPC see the same manager state", async () => {
    const client = createClient(AdminService, createGrpcTransport({ baseUrl: t.url }));
    await client.createTask({ id: { resourceType: 1, project: "shared", domain: "d", name: "n", version: "v" } });
    const reply = await fetch(`${t.url}/api/v1/tasks/shared/d?limit=10`, { headers: { accept: "application/json" } });
    const list = (await reply.json()) as { tasks: { id: { name: string } }[] };
    expect(list.tasks.map((task) => task.id.name)).toEqual(["n"]);
    expect(create(EventFailureReasonSchema).$typeName).toBe("flyteidl.admin.EventFailureReason");
  });
});
