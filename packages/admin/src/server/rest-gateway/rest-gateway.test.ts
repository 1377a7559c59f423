import { request as httpRequest } from "node:http";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { EventFailureReasonSchema } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { TaskCreateRequestSchema, TaskSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { GetVersionResponseSchema } from "@aloft/idl/gen/flyteidl/admin/version_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../fake-managers.test-helper.js";
import { RpcStatusSchema } from "../grpc-protos.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ config: { server: { grpc: { maxMessageSizeBytes: 4096 } } } });
});
afterAll(async () => {
  await t.close();
});

interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
  json: () => unknown;
}

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<Reply> {
  const response = await fetch(t.url + path, { ...init, redirect: "manual" } as RequestInit);
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body, json: () => JSON.parse(body.toString("utf8")) };
}

const json = { accept: "application/json" };

describe("REST responses", () => {
  it("marshal by Accept: proto names for application/json, lowerCamel by default, binary for octet-stream", async () => {
    const proto = await call("/api/v1/version", { headers: json });
    expect(proto.status).toBe(200);
    expect(proto.headers.get("content-type")).toBe("application/json");
    expect(proto.body.toString()).toBe(
      '{"control_plane_version":{"Build":"abc","Version":"v1.2.3","BuildTime":"2026-01-01"}}',
    );

    const camel = await call("/api/v1/version");
    expect(camel.body.toString()).toBe(
      '{"controlPlaneVersion":{"Build":"abc","Version":"v1.2.3","BuildTime":"2026-01-01"}}',
    );

    const binary = await call("/api/v1/version", { headers: { accept: "application/octet-stream" } });
    expect(binary.headers.get("content-type")).toBe("application/octet-stream");
    expect(fromBinary(GetVersionResponseSchema, binary.body).controlPlaneVersion?.Version).toBe("v1.2.3");
  });

  it("emit unset messages as null and defaults as zero values", async () => {
    const reply = await call("/api/v1/executions/p/d/e1", { headers: json });
    expect(reply.json()).toEqual({
      id: { project: "p", domain: "d", name: "e1", org: "" },
      spec: null,
      closure: null,
    });
  });

  it("registers through a JSON body and reads back as protobuf, with ALREADY_EXISTS on a repeat", async () => {
    const body = JSON.stringify({
      id: { resource_type: "TASK", project: "p", domain: "development", name: "t1", version: "v1" },
      spec: { template: { type: "python-task" } },
    });
    const first = await call("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json", ...json },
      body,
    });
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({});
    const again = await call("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json", ...json },
      body,
    });
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({ code: 6, message: "task with identical structure already exists", details: [] });

    const read = await call("/api/v1/tasks/p/development/t1/v1", { headers: { accept: "application/octet-stream" } });
    const task = fromBinary(TaskSchema, read.body);
    expect(task.id?.name).toBe("t1");
    expect(task.closure?.compiledTask?.template?.type).toBe("python-task");
  });

  it("accepts a protobuf body with Content-Type application/octet-stream", async () => {
    const message = create(TaskCreateRequestSchema, {
      id: { resourceType: 1, project: "p", domain: "development", name: "t2", version: "v1" },
    });
    const reply = await call("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/octet-stream", accept: "application/octet-stream" },
      body: toBinary(TaskCreateRequestSchema, message),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.byteLength).toBe(0);
  });

  it("defaults the resource type of Get routes at the RPC layer", async () => {
    const reply = await call("/api/v1/tasks/p/d/echo/v9", { headers: json });
    expect(reply.json()).toMatchObject({ id: { resource_type: "TASK", name: "echo", version: "v9" } });
    const description = await call("/api/v1/description_entities/WORKFLOW/p/d/wf/v1", { headers: json });
    expect(description.json()).toMatchObject({ id: { resource_type: "WORKFLOW", name: "wf" } });
  });
});

describe("REST requests", () => {
  it("build the message from path variables and query parameters, path winning", async () => {
    const reply = await call(
      "/api/v1/executions/p/d?limit=5&token=10&filters=eq(phase,RUNNING)%2Bvalue_in(name,a%3Bb)&sort_by.key=created_at&sort_by.direction=ASCENDING&id.name=x&id.project=ignored&unknown=1",
      { headers: json },
    );
    expect(reply.status).toBe(200);
    const list = reply.json() as { token: string };
    expect(JSON.parse(list.token)).toEqual({
      id: { project: "p", domain: "d", name: "x" },
      limit: 5,
      token: "10",
      filters: "eq(phase,RUNNING)+value_in(name,a;b)",
      sort_by: { key: "created_at", direction: "ASCENDING" },
    });
  });

  it("read enums in the path by name or number", async () => {
    for (const [segment, name] of [
      ["2", "WORKFLOW"],
      ["LAUNCH_PLAN", "LAUNCH_PLAN"],
    ]) {
      const reply = await call(`/api/v1/named_entities/${segment}/p/d?limit=3`, { headers: json });
      expect(JSON.parse((reply.json() as { token: string }).token)).toMatchObject({ resource_type: name, limit: 3 });
    }
    const bad = await call("/api/v1/named_entities/99/p/d", { headers: json });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      code: 3,
      message: "type mismatch, parameter: resource_type, error: 99 is not valid",
      details: [],
    });
  });

  it("decode percent-escapes in path segments; an encoded slash splits the segment, a plus stays a plus", async () => {
    const spaced = await call("/api/v1/executions/p/d/name%20with%20space", { headers: json });
    expect(spaced.json()).toMatchObject({ id: { name: "name with space" } });
    const plus = await call("/api/v1/executions/p/d/a+b", { headers: json });
    expect(plus.json()).toMatchObject({ id: { name: "a+b" } });
    const slash = await call("/api/v1/executions/p/d/a%2Fb", { headers: json });
    expect(slash.status).toBe(404);
    expect(slash.json()).toEqual({ code: 5, message: "Not Found", details: [] });
  });

  it.each([
    ["/api/v1/executions/p/d?limit=abc", 'parsing field "limit": strconv.ParseUint: parsing "abc": invalid syntax'],
    ["/api/v1/executions/p/d?filters=value_in(phase,A;B)", "invalid semicolon separator in query"],
    ["/api/v1/executions/p/d?limit=%zz", 'invalid URL escape "%zz"'],
    ["/api/v1/executions/p/d?sort_by.direction=SIDEWAYS", 'parsing field "direction": "SIDEWAYS" is not a valid value'],
  ])("reject bad query %s with 400 and grpc-gateway's message", async (path, message) => {
    const reply = await call(path, { headers: json });
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({ code: 3, message, details: [] });
  });

  it("reject unknown JSON fields only for application/json, and malformed bodies always", async () => {
    const body = JSON.stringify({ id: { project: "p", domain: "d", name: "t3", version: "v" }, bogus: true });
    const strict = await call("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(strict.status).toBe(400);
    expect(strict.json()).toEqual({
      code: 3,
      message: 'invalid JSON for flyteidl.admin.TaskCreateRequest: unknown field "bogus"',
      details: [],
    });
    const lenient = await call("/api/v1/tasks", { method: "POST", headers: { "content-type": "text/plain" }, body });
    expect(lenient.status).toBe(200);

    const malformed = await call("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"id":',
    });
    expect(malformed.status).toBe(400);
    expect((malformed.json() as { message: string }).message).toMatch(
      /^invalid JSON for flyteidl\.admin\.TaskCreateRequest: malformed JSON/,
    );
    const badProto = await call("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...json },
      body: new Uint8Array([0x0a, 0xff]),
    });
    expect(badProto.status).toBe(400);
    expect((badProto.json() as { message: string }).message).toMatch(
      /^invalid protobuf for flyteidl\.admin\.TaskCreateRequest: /,
    );
  });

  it("refuse bodies over the size limit with 413 RESOURCE_EXHAUSTED, declared or streamed", async () => {
    const big = JSON.stringify({ id: { name: "x".repeat(5000) } });
    const declared = await call("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json", ...json },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(declared.json()).toEqual({
      code: 8,
      message: "the request body is larger than the 4096-byte limit",
      details: [],
    });

    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${t.url}/api/v1/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      // Chunked: no Content-Length, so the limit trips while reading.
      req.write("x".repeat(3000));
      req.write("y".repeat(3000));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ code: 8 });

    expect((await call("/healthcheck")).status).toBe(200);
  });

  it("carry the x-request-id header to the manager and the log", async () => {
    const reply = await call("/api/v1/executions/p/d?limit=1", { headers: { ...json, "x-request-id": "req-42" } });
    expect((reply.json() as { executions: { id: { name: string } }[] }).executions[0]?.id.name).toBe("req-42");
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        rpc: "flyteidl.service.AdminService/ListExecutions",
        transport: "rest",
        requestId: "req-42",
        code: "ok",
      }),
    );
    const generated = await call("/api/v1/executions/p/d?limit=1", { headers: json });
    expect((generated.json() as { executions: { id: { name: string } }[] }).executions[0]?.id.name).toMatch(
      /^a-[bcdfghjklmnpqrstvwxz2456789]{20}$/,
    );
  });

  it("serve a POST with a form body on a GET route (path-length fallback), and X-HTTP-Method-Override", async () => {
    const fallback = await call("/api/v1/version", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...json },
      body: "",
    });
    expect(fallback.status).toBe(200);
    const override = await call("/api/v1/executions/p/d?token=7", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-http-method-override": "get", ...json },
      body: "limit=3",
    });
    expect(JSON.parse((override.json() as { token: string }).token)).toMatchObject({ limit: 3, token: "7" });
  });

  it("redirect unclean paths as http.ServeMux, and reject malformed escapes as Go's server", async () => {
    const redirect = await call("/api//v1/./version?x=1");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/api/v1/version?x=1");
    const bad = await call("/api/v1/executions/p/d/%zz");
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toBe("400 Bad Request");
  });

  it("set X-User-Subject and X-User-Claim-* on UserInfo", async () => {
    const reply = await call("/me", { headers: json });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-user-subject")).toBe("anonymous");
    expect(reply.headers.get("x-user-claim-team-name")).toBe('"ml"');
  });
});

describe("REST errors", () => {
  it.each([
    ["GET", "/api/v1/nowhere", 404, 5, "Not Found"],
    ["DELETE", "/api/v1/version", 501, 12, "Method Not Allowed"],
    ["GET", "/api/v1/workflows/p/d/w/v", 501, 12, "flyteidl.service.AdminService.GetWorkflow is not implemented"],
    [
      "GET",
      "/.well-known/oauth-authorization-server",
      501,
      12,
      "flyteidl.service.AuthMetadataService.GetOAuth2Metadata is not implemented",
    ],
    ["POST", "/api/v1/executions/relaunch", 403, 7, "not yours"],
    ["POST", "/api/v1/executions/recover", 401, 16, "token parse error"],
    ["PUT", "/api/v1/executions/p/d/n", 429, 8, "too much"],
    ["GET", "/api/v1/data/executions/p/d/n", 501, 12, "not here"],
    ["GET", "/api/v1/task_executions/p/d/n/node/tp/td/tn/tv", 404, 5, "Not Found"],
    ["GET", "/api/v1/task_executions/p/d/n/node", 400, 11, "out"],
    ["GET", "/api/v1/data/task_executions/p/d/n/node/tp/td/tn/tv/0", 503, 14, "later"],
    ["POST", "/api/v1/events/tasks", 500, 15, "lost"],
    ["POST", "/api/v1/signals", 500, 2, "unknown"],
    ["PUT", "/api/v1/named_entities/1/p/d/n", 409, 10, "conflict"],
    ["GET", "/api/v1/description_entities/1/p/d/n", 504, 4, "slow"],
    ["POST", "/api/v1/dataproxy/artifact_link", 404, 5, "no deck"],
    ["PUT", "/api/v1/projects/x", 404, 5, "project [x] not found"],
  ])("%s %s answers %i with code %i", async (method, path, status, code, message) => {
    const reply = await call(path, {
      method,
      headers: { ...json, "content-type": "application/json" },
      ...(method === "GET" ? {} : { body: "{}" }),
    });
    expect(reply.status).toBe(status);
    expect(reply.json()).toEqual({ code, message, details: [] });
  });

  it("set WWW-Authenticate on UNAUTHENTICATED", async () => {
    const reply = await call("/api/v1/executions/recover", { method: "POST", body: "{}" });
    expect(reply.headers.get("www-authenticate")).toBe("token parse error");
  });

  it("carry typed details as Any in JSON and in binary google.rpc.Status", async () => {
    const event = { request_id: "r", event: { phase: "SUCCEEDED" } };
    const asJson = await call("/api/v1/events/workflows", {
      method: "POST",
      headers: { "content-type": "application/json", ...json },
      body: JSON.stringify(event),
    });
    expect(asJson.status).toBe(400);
    expect(asJson.json()).toEqual({
      code: 9,
      message: "invalid phase change from SUCCEEDED to SUCCEEDED",
      details: [
        {
          "@type": "type.googleapis.com/flyteidl.admin.EventFailureReason",
          already_in_terminal_state: { current_phase: "SUCCEEDED" },
        },
      ],
    });

    const camel = await call("/api/v1/executions/p/d/n", { method: "DELETE", body: "{}" });
    expect(camel.json()).toEqual({
      code: 9,
      message: "Cannot abort an already terminated workflow execution",
      details: [
        {
          "@type": "type.googleapis.com/flyteidl.admin.EventFailureReason",
          alreadyInTerminalState: { currentPhase: "SUCCEEDED" },
        },
      ],
    });

    const binary = await call("/api/v1/events/workflows", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/octet-stream" },
      body: JSON.stringify(event),
    });
    expect(binary.headers.get("content-type")).toBe("application/octet-stream");
    const status = fromBinary(RpcStatusSchema, binary.body);
    expect(status.code).toBe(9);
    const reason = anyUnpack(status.details[0]!, EventFailureReasonSchema);
    expect(reason?.reason).toEqual({
      case: "alreadyInTerminalState",
      value: expect.objectContaining({ currentPhase: "SUCCEEDED" }),
    });
  });

  it("hide unexpected failures behind INTERNAL naming the request id, logging the cause", async () => {
    const reply = await call("/api/v1/executions", {
      method: "POST",
      headers: { ...json, "x-request-id": "boom-1" },
      body: JSON.stringify({ project: "p", domain: "d" }),
    });
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual({
      code: 13,
      message: "internal error; the admin log has the details under request id boom-1",
      details: [],
    });
    const line = t.logs.find((l) => l["requestId"] === "boom-1" && l["msg"] === "rpc failed");
    expect((line?.["err"] as { message: string }).message).toBe("database exploded with a secret connection string");
  });
});
