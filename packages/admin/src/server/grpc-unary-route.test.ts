import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { WorkflowExecutionGetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ObjectGetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fake-managers.test-helper.js";

/** What came back for one raw call. */
interface RawAnswer {
  status: number | undefined;
  headers: Record<string, unknown>;
  body: string;
  trailers: Record<string, unknown>;
}

const MAX_MESSAGE_BYTES = 1_000;

function envelope(payload: Uint8Array, flags = 0, declaredLength = payload.byteLength): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([head, payload]);
}

function withoutVolatile(headers: IncomingHttpHeaders): Record<string, unknown> {
  const { date: _date, ...rest } = headers;
  return rest;
}

describe("the unary gRPC route", () => {
  let server: TestServer;
  let session: ClientHttp2Session;

  beforeAll(async () => {
    server = await startTestServer({ config: { server: { grpc: { maxMessageSizeBytes: MAX_MESSAGE_BYTES } } } });
    session = connect(server.url);
  });
  afterAll(async () => {
    session.close();
    await server.close();
  });

  function call(path: string, contentType: string, body: Buffer, extra: Record<string, string> = {}) {
    return new Promise<RawAnswer>((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": contentType,
        te: "trailers",
        "x-request-id": "fixed-request-id",
        ...extra,
      });
      const answer: RawAnswer = { status: undefined, headers: {}, body: "", trailers: {} };
      const chunks: Buffer[] = [];
      stream.on("response", (headers) => {
        answer.status = headers[":status"];
        answer.headers = withoutVolatile(headers);
      });
      stream.on("trailers", (trailers) => (answer.trailers = { ...trailers }));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => resolve({ ...answer, body: Buffer.concat(chunks).toString("hex") }));
      stream.on("error", reject);
      stream.end(body);
    });
  }

  /** The route takes `application/grpc` exactly; connect's matcher ignores case, so upper case goes to connect. */
  async function bothWays(path: string, body: Buffer, extra: Record<string, string> = {}) {
    const route = await call(path, "application/grpc", body, extra);
    const viaConnect = await call(path, "APPLICATION/GRPC", body, extra);
    return { route, viaConnect };
  }

  const getExecution = (name: string) =>
    Buffer.from(
      toBinary(
        WorkflowExecutionGetRequestSchema,
        create(WorkflowExecutionGetRequestSchema, { id: { project: "p", domain: "d", name } }),
      ),
    );
  const getTask = (name: string) =>
    Buffer.from(
      toBinary(
        ObjectGetRequestSchema,
        create(ObjectGetRequestSchema, {
          id: { resourceType: ResourceType.TASK, project: "p", domain: "d", name, version: "v" },
        }),
      ),
    );
  const admin = "/flyteidl.service.AdminService";

  const cases: [string, string, Buffer, Record<string, string>?][] = [
    ["a success", `${admin}/GetExecution`, envelope(getExecution("e1"))],
    ["NOT_FOUND", `${admin}/GetExecution`, envelope(getExecution("missing"))],
    [
      "an error with typed details and a message to percent-encode",
      `${admin}/TerminateExecution`,
      envelope(new Uint8Array()),
    ],
    ["a hidden internal error", `${admin}/CreateExecution`, envelope(new Uint8Array())],
    ["an unimplemented method", `${admin}/GetTask`, envelope(getTask("echo"))],
    ["malformed protobuf", `${admin}/GetExecution`, envelope(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))],
    ["an empty body", `${admin}/GetExecution`, Buffer.alloc(0)],
    ["a short envelope header", `${admin}/GetExecution`, Buffer.from([0, 0, 0])],
    ["a body shorter than declared", `${admin}/GetExecution`, envelope(getExecution("e1"), 0, 200)],
    ["a compressed message without an encoding", `${admin}/GetExecution`, envelope(getExecution("e1"), 1)],
    [
      "two messages",
      `${admin}/GetExecution`,
      Buffer.concat([envelope(getExecution("a")), envelope(getExecution("b"))]),
    ],
    ["an oversize declared length", `${admin}/GetExecution`, envelope(getExecution("e1"), 0, MAX_MESSAGE_BYTES + 1)],
    ["an oversize body", `${admin}/GetExecution`, envelope(Buffer.alloc(MAX_MESSAGE_BYTES * 3, 0x20))],
    ["a malformed deadline", `${admin}/GetExecution`, envelope(getExecution("e1")), { "grpc-timeout": "soon" }],
    ["a deadline", `${admin}/GetExecution`, envelope(getExecution("e1")), { "grpc-timeout": "10S" }],
  ];

  it.each(cases)("answers %s exactly as connect does", async (_what, path, body, extra) => {
    const { route, viaConnect } = await bothWays(path, body, extra);
    expect(route).toEqual(viaConnect);
    expect(route.status).toBe(200);
  });

  it("serves successes and errors with their status, message and details", async () => {
    const ok = await call(`${admin}/GetExecution`, "application/grpc", envelope(getExecution("e1")));
    expect(ok.headers["content-type"]).toBe("application/grpc+proto");
    expect(ok.trailers["grpc-status"]).toBe("0");
    expect(ok.body.length).toBeGreaterThan(10);

    const notFound = await call(`${admin}/GetExecution`, "application/grpc", envelope(getExecution("missing")));
    expect(notFound.trailers["grpc-status"]).toBe("5");
    expect(notFound.trailers["grpc-message"]).toBe("execution missing not found");

    const terminal = await call(`${admin}/TerminateExecution`, "application/grpc", envelope(new Uint8Array()));
    expect(terminal.trailers["grpc-status"]).toBe("9");
    expect(terminal.trailers["grpc-status-details-bin"]).toBeTruthy();
  });

  it("logs and counts its calls as gRPC, through the same interceptor as every transport", async () => {
    await call(`${admin}/GetExecution`, "application/grpc+proto", envelope(getExecution("logged")), {
      "x-request-id": "route-log-check",
    });
    const line = server.logs.find((l) => l.requestId === "route-log-check");
    expect(line).toMatchObject({ rpc: "flyteidl.service.AdminService/GetExecution", transport: "grpc", code: "ok" });
  });
});
