/**
 * The WatchService as admin's server serves it, over an in-memory source: interceptors (authentication, logs),
 * Server-Sent Events heartbeats, and a graceful close that ends open watches.
 */
import { Writable } from "node:stream";
import { AloftError, Code } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { type Execution, ExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { Code as ConnectCode, ConnectError } from "@connectrpc/connect";
import { afterEach, expect, it } from "vitest";
import { compileAdminConfig } from "../config/admin-config.js";
import type { ExecutionKey } from "../repositories/keys.js";
import { type AdminServer, createAdminServer } from "../server/create-admin-server.js";
import { createAdminLogger } from "../server/create-logger.js";
import type { Authenticate } from "../server/interceptors.js";
import { AdminMetrics } from "../server/metrics.js";
import { createLocalExecutionChangeFeed } from "./execution-change-feed.js";
import type { ExecutionWatchReader } from "./execution-watch-reader.js";
import { watchClient } from "./watch-harness.test-helper.js";

const id = { project: "p", domain: "d", name: "running" };

/** A reader of one running execution and nothing else. */
const reader: ExecutionWatchReader = {
  async execution(key: ExecutionKey): Promise<Execution> {
    if (key.name !== id.name) throw AloftError.notFound(`no execution ${key.name}`);
    return create(ExecutionSchema, { id, closure: { phase: WorkflowExecution_Phase.RUNNING } });
  },
  nodeExecutions: async () => [],
  taskExecutions: async () => [],
  findNodeExecution: async () => undefined,
  findTaskExecution: async () => undefined,
};

let running: { server: AdminServer; url: string; logs: Record<string, unknown>[] } | undefined;
afterEach(async () => {
  await running?.server.close();
  running = undefined;
});

async function start(options: { authenticate?: Authenticate; heartbeatMs?: number } = {}) {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") logs.push(JSON.parse(line));
      callback();
    },
  });
  const feed = createLocalExecutionChangeFeed();
  const server = createAdminServer({
    config: compileAdminConfig({ server: { host: "127.0.0.1", port: 0 } }, { homeDir: "/nonexistent-home" }),
    managers: {},
    logger: createAdminLogger({ level: "debug", destination }),
    metrics: new AdminMetrics({ defaultMetrics: false }),
    ...(options.authenticate === undefined ? {} : { authenticate: options.authenticate }),
    watch: {
      source: { feed, reader },
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    },
  });
  const { url } = await server.listen();
  running = { server, url, logs };
  return { server, url, logs, feed };
}

it("ends open watches with UNAVAILABLE when the server closes, and logs the call's outcome", async () => {
  const { server, url, logs, feed } = await start();
  const stream = watchClient(url).watchExecution({ id })[Symbol.asyncIterator]();
  expect((await stream.next()).value?.event.case).toBe("execution");
  const sse = await fetch(`${url}/api/v1/watch/executions/p/d/running`);
  const body = sse.body![Symbol.asyncIterator]();
  expect(new TextDecoder().decode((await body.next()).value)).toMatch(/^event: execution\n/);
  expect(feed.subscriptionCount()).toBe(2);

  const closed = server.close();
  const error = await stream.next().catch((thrown: unknown) => thrown);
  expect(ConnectError.from(error).code).toBe(ConnectCode.Unavailable);
  let text = "";
  for (let chunk = await body.next(); chunk.done !== true; chunk = await body.next()) {
    text += new TextDecoder().decode(chunk.value);
  }
  expect(text).toBe(
    'event: error\ndata: {"code":14,"message":"the server is shutting down; watch again","details":[]}\n\n',
  );
  await closed;
  running = undefined;
  expect(feed.subscriptionCount()).toBe(0);
  const lines = logs.filter((line) => line.rpc === "aloft.admin.WatchService/WatchExecution");
  expect(lines.map((line) => [line.transport, line.code])).toEqual(
    expect.arrayContaining([
      ["grpc", "unavailable"],
      ["rest", "unavailable"],
    ]),
  );
});

it("keeps an idle Server-Sent Events stream alive with comment lines", async () => {
  const { url } = await start({ heartbeatMs: 10 });
  const controller = new AbortController();
  const sse = await fetch(`${url}/api/v1/watch/executions/p/d/running`, { signal: controller.signal });
  let text = "";
  for await (const chunk of sse.body!) {
    text += new TextDecoder().decode(chunk);
    if (text.includes(": heartbeat\n\n")) break;
  }
  controller.abort();
  expect(text.startsWith("event: execution\n")).toBe(true);
  expect(text).toContain("\n\n: heartbeat\n\n");
});

it("runs the authentication hook for gRPC and Server-Sent Events alike", async () => {
  const { url } = await start({
    authenticate: () => {
      throw new AloftError(Code.Unauthenticated, "token required");
    },
  });
  const stream = watchClient(url).watchExecution({ id })[Symbol.asyncIterator]();
  const error = await stream.next().catch((thrown: unknown) => thrown);
  expect(ConnectError.from(error)).toMatchObject({ code: ConnectCode.Unauthenticated, rawMessage: "token required" });
  const sse = await fetch(`${url}/api/v1/watch/executions/p/d/running`);
  expect(sse.status).toBe(401);
  expect(await sse.json()).toEqual({ code: 16, message: "token required", details: [] });
});
