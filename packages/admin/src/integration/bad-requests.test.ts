/**
 * A few thousand seeded bad requests against a running admin with its real managers and database: malformed
 * protobuf and JSON bodies, unknown fields, bad filters, SQL injection attempts in filter values, field names and
 * sort keys, bad limits and tokens, oversize payloads, over REST and gRPC. Each must get the 4xx (or gRPC code) it
 * deserves, never a 5xx; afterwards the server is healthy and the database unchanged.
 */
import { connect, constants as http2 } from "node:http2";
import { Agent, request as httpRequest } from "node:http";
import { TaskListSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { sql } from "kysely";
import { beforeAll, expect, it } from "vitest";
import { TABLE_NAMES } from "../db/schema.js";
import {
  identifier,
  insertLaunchPlansForTests,
  insertTasksForTests,
  insertWorkflowsForTests,
} from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, type IntegrationAdmin } from "./integration-harness.test-helper.js";

const REST_REQUESTS = 2400;
const GRPC_REQUESTS = 600;
const CONCURRENCY = 8;
const MAX_MESSAGE_BYTES = 256 * 1024;

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** One bad REST request and the statuses it may get. */
interface BadRestRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  expected: readonly number[];
  /** For injection attempts that are valid filters: the answer must list nothing. */
  expectEmptyTaskList?: boolean;
}

const CREATE_ROUTES = [
  "/api/v1/tasks",
  "/api/v1/workflows",
  "/api/v1/launch_plans",
  "/api/v1/executions",
  "/api/v1/executions/relaunch",
  "/api/v1/executions/recover",
  "/api/v1/events/workflows",
  "/api/v1/events/nodes",
  "/api/v1/events/tasks",
  "/api/v1/projects",
  "/api/v1/signals",
  "/api/v1/dataproxy/artifact_urn",
];

const LIST_ROUTES = [
  "/api/v1/tasks/admintests/development",
  "/api/v1/workflows/admintests/development/name_a",
  "/api/v1/launch_plans/admintests/development",
  "/api/v1/executions/admintests/development",
  "/api/v1/named_entities/1/admintests/development",
  "/api/v1/projects",
];

const BAD_FILTERS = [
  "eq(phase",
  "eq(name)",
  "foo(name,x)",
  "eq(unknown_column,1)",
  "eq(name;DROP TABLE tasks,x)",
  "eq(name) OR 1=1 --,x)",
  "eq(tasks.name,x)",
  "eq(name,x)+",
  "eq(name,x)++eq(version,1)",
  "gte(created_at,not-a-time)",
  "value_in()",
  "eq(workflow.name;--,x)",
  'eq("name",x)',
];

const INJECTED_VALUES = [
  "x' OR '1'='1",
  'x"; DROP TABLE tasks; --',
  "%' OR 1=1 --",
  "1; DELETE FROM projects",
  "x') UNION SELECT * FROM projects --",
  "\\x00",
];

const BAD_SORT_KEYS = [
  "name;DROP TABLE tasks",
  "created_at desc, (select 1)",
  "unknown_column",
  "1",
  "name) --",
  '"name"',
];

function restGenerator(seed: number): () => BadRestRequest {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const json = { "content-type": "application/json", accept: "application/json" };
  const binary = { "content-type": "application/octet-stream", accept: "application/octet-stream" };
  const kinds: (() => BadRestRequest)[] = [
    () => ({
      kind: "malformed JSON",
      method: "POST",
      path: pick(CREATE_ROUTES),
      headers: json,
      body: Buffer.from(
        pick(["{", "[1,2,3]", '{"id": 5}', '{"spec": {"template": {"type": 7}}}', "\u0000\u0001", '{"a":']),
      ),
      expected: [400],
    }),
    () => ({
      kind: "unknown JSON field",
      method: "POST",
      path: pick(CREATE_ROUTES),
      headers: json,
      body: Buffer.from(JSON.stringify({ [`no_such_field_${Math.floor(rnd() * 100)}`]: "x" })),
      expected: [400],
    }),
    () => ({
      kind: "empty request",
      method: "POST",
      path: pick(CREATE_ROUTES),
      headers: json,
      body: Buffer.from("{}"),
      // As flyteadmin: relaunch, recover and events look the (empty) execution id up before anything else fails.
      expected: [400, 404],
    }),
    () => ({
      kind: "malformed protobuf",
      method: "POST",
      path: pick(CREATE_ROUTES),
      headers: binary,
      // Truncated fields: a length-delimited field claiming more bytes than follow, or a varint cut short.
      body: Buffer.from(
        pick([
          [0x0a, 0xff, 0x01, 0x41],
          [0x08, 0xff, 0xff],
          [0x12, 0x10, 0x0a],
          [0xff, 0xff, 0xff, 0xff, 0x0f],
        ]),
      ),
      expected: [400],
    }),
    () => ({
      kind: "random protobuf",
      method: "POST",
      path: pick(CREATE_ROUTES),
      headers: binary,
      body: Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256))),
      // Random bytes may decode into a (meaningless) message: then validation or a lookup answers.
      expected: [400, 404, 409],
    }),
    () => ({
      kind: "bad filter",
      method: "GET",
      path: `${pick(LIST_ROUTES)}?limit=10&filters=${encodeURIComponent(pick(BAD_FILTERS))}`,
      headers: binary,
      expected: [400],
    }),
    () => ({
      kind: "injection in a filter value",
      method: "GET",
      path: `/api/v1/tasks/admintests/development?limit=10&filters=${encodeURIComponent(
        `${pick(["eq", "contains", "value_in"])}(name,${pick(INJECTED_VALUES)})`,
      )}`,
      headers: binary,
      expected: [200, 400],
      expectEmptyTaskList: true,
    }),
    () => ({
      kind: "bad sort key",
      method: "GET",
      path: `${pick(LIST_ROUTES.slice(0, 5))}?limit=10&sort_by.key=${encodeURIComponent(pick(BAD_SORT_KEYS))}`,
      headers: binary,
      expected: [400],
    }),
    () => ({
      kind: "bad limit or token",
      method: "GET",
      path: `${pick(LIST_ROUTES.slice(0, 4))}?${pick(["limit=abc", "limit=-1", "limit=1e99", "limit=10&token=abc", "limit=10&token=-5", "limit=10&token=1x"])}`,
      headers: binary,
      expected: [400],
    }),
    () => ({
      kind: "oversize payload",
      method: "POST",
      path: pick(CREATE_ROUTES),
      headers: pick([json, binary]),
      body: Buffer.alloc(MAX_MESSAGE_BYTES + 1 + Math.floor(rnd() * 1024), 0x61),
      expected: [413],
    }),
  ];
  return () => pick(kinds)();
}

function send(url: string, agent: Agent, req: BadRestRequest): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...req.headers,
      ...(req.body === undefined ? {} : { "content-length": String(req.body.byteLength) }),
    };
    const r = httpRequest(`${url}${req.path}`, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(req.body);
  });
}

/** A gRPC call with a raw (undecodable) message, sent over plain node:http2; answers the grpc-status. */
function rawGrpc(url: string, method: string, message: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = connect(url);
    session.on("error", reject);
    const frame = Buffer.alloc(5 + message.byteLength);
    frame.writeUInt32BE(message.byteLength, 1);
    message.copy(frame, 5);
    const stream = session.request({
      [http2.HTTP2_HEADER_METHOD]: "POST",
      [http2.HTTP2_HEADER_PATH]: `/flyteidl.service.AdminService/${method}`,
      "content-type": "application/grpc",
      te: "trailers",
    });
    let status: number | undefined;
    const take = (headers: Record<string, unknown>) => {
      if (headers["grpc-status"] !== undefined) status = Number(headers["grpc-status"]);
    };
    stream.on("response", take);
    stream.on("trailers", take);
    stream.on("data", () => undefined);
    stream.on("end", () => {
      session.close();
      if (status === undefined) reject(new Error(`no grpc-status for ${method}`));
      else resolve(status);
    });
    stream.on("error", reject);
    stream.end(frame);
  });
}

async function rowCounts(admin: IntegrationAdmin): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLE_NAMES) {
    const { rows } = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(admin.db);
    counts[table] = Number(rows[0]?.n);
  }
  return counts;
}

describeIntegration(
  "bad requests against a running admin",
  (admin) => {
    beforeAll(async () => {
      await admin().truncateAllTables();
      await insertTasksForTests(admin().grpc);
      await insertWorkflowsForTests(admin().grpc);
      await insertLaunchPlansForTests(admin().grpc);
      await admin().grpc.createExecution({
        project: "admintests",
        domain: "development",
        name: "intact",
        spec: { launchPlan: identifier(ResourceType.LAUNCH_PLAN, "admintests", "development", "name_a", "123") },
      });
    });

    it(`answers ${REST_REQUESTS} seeded bad REST requests with the right 4xx, and the database stays as it was`, async () => {
      const before = await rowCounts(admin());
      const next = restGenerator(20_261_121);
      const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const wrong: string[] = [];
      const byKind = new Map<string, Map<number, number>>();
      let sent = 0;
      const worker = async (): Promise<void> => {
        while (sent < REST_REQUESTS) {
          sent++;
          const req = next();
          let answer: { status: number; body: Buffer };
          try {
            answer = await send(admin().url, agent, req);
          } catch (error) {
            // An oversize body may be answered (413) and the connection closed before all of it was sent.
            if (req.kind !== "oversize payload") wrong.push(`${req.kind}: ${req.method} ${req.path}: ${String(error)}`);
            continue;
          }
          const statuses = byKind.get(req.kind) ?? new Map<number, number>();
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          byKind.set(req.kind, statuses);
          if (!req.expected.includes(answer.status)) {
            wrong.push(
              `${req.kind}: ${req.method} ${req.path} answered ${answer.status}: ${answer.body.toString().slice(0, 200)}`,
            );
          } else if (req.expectEmptyTaskList === true && answer.status === 200) {
            const list = fromBinary(TaskListSchema, answer.body);
            if (list.tasks.length > 0) wrong.push(`${req.kind}: ${req.path} listed ${list.tasks.length} tasks`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      agent.destroy();

      expect(wrong).toEqual([]);
      // Every kind of bad request was tried.
      expect([...byKind.keys()].length).toBe(10);
      expect(await rowCounts(admin())).toEqual(before);
      await expectHealthy(admin());
    });

    it(`answers ${GRPC_REQUESTS} seeded bad gRPC requests with flyteadmin's codes, and the database stays as it was`, async () => {
      const before = await rowCounts(admin());
      const rnd = random(7);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
      const client = admin().grpc;
      const wrong: string[] = [];
      const calls: (() => Promise<{ what: string; code: number; expected: readonly number[] }>)[] = [
        async () => {
          const method = pick(["CreateTask", "CreateWorkflow", "CreateLaunchPlan", "CreateExecution", "ListTasks"]);
          const body = pick([
            [0x0a, 0xff, 0x01],
            [0x08, 0xff, 0xff],
            [0x12, 0x10, 0x0a],
          ]);
          // grpc-go (so flyteadmin) answers an undecodable request message with INTERNAL "grpc: error
          // unmarshalling request", and connect does the same; REST answers 400.
          return {
            what: `raw ${method}`,
            code: await rawGrpc(admin().url, method, Buffer.from(body)),
            expected: [Code.Internal],
          };
        },
        async () => {
          const filters = pick(BAD_FILTERS);
          const code = await codeOf(() =>
            client.listTasks({ id: { project: "admintests", domain: "development" }, limit: 10, filters }),
          );
          return { what: `filters ${filters}`, code, expected: [Code.InvalidArgument] };
        },
        async () => {
          const key = pick(BAD_SORT_KEYS);
          const code = await codeOf(() =>
            client.listExecutions({ id: { project: "admintests", domain: "development" }, limit: 10, sortBy: { key } }),
          );
          return { what: `sort ${key}`, code, expected: [Code.InvalidArgument] };
        },
        async () => {
          const value = pick(INJECTED_VALUES);
          const list = await client.listTasks({
            id: { project: "admintests", domain: "development" },
            limit: 10,
            filters: `eq(name,${value})`,
          });
          return { what: `injected ${value}`, code: list.tasks.length === 0 ? 0 : -1, expected: [0] };
        },
        async () => {
          const method = pick([
            "createTask",
            "createWorkflow",
            "createLaunchPlan",
            "createExecution",
            "createWorkflowEvent",
          ] as const);
          const code = await codeOf(() => (client[method] as (r: object) => Promise<unknown>)({}));
          return { what: `empty ${method}`, code, expected: [Code.InvalidArgument] };
        },
        async () => {
          // A client of its own: HTTP/2 flood protection resets a session that sends many refused bodies.
          const own = createClient(AdminService, createGrpcTransport({ baseUrl: admin().url }));
          const code = await codeOf(() =>
            own.createTask({
              id: identifier(ResourceType.TASK, "admintests", "development", "big", "1"),
              spec: { template: { type: "x".repeat(MAX_MESSAGE_BYTES + 10) } },
            }),
          );
          return { what: "oversize message", code, expected: [Code.ResourceExhausted] };
        },
      ];
      for (let i = 0; i < GRPC_REQUESTS; i++) {
        const { what, code, expected } = await pick(calls)();
        if (!expected.includes(code)) wrong.push(`${what}: code ${code}`);
      }
      expect(wrong).toEqual([]);
      expect(await rowCounts(admin())).toEqual(before);
      await expectHealthy(admin());
    });
  },
  { config: { server: { grpc: { maxMessageSizeBytes: MAX_MESSAGE_BYTES } } } },
);

async function codeOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 0;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

async function expectHealthy(admin: IntegrationAdmin): Promise<void> {
  expect((await admin.http("/healthcheck")).status).toBe(200);
  const task = await admin.grpc.getTask({
    id: identifier(ResourceType.TASK, "admintests", "development", "name_a", "123"),
  });
  expect(task.id?.name).toBe("name_a");
  const execution = await admin.rest.getExecution({
    id: { project: "admintests", domain: "development", name: "intact" },
  });
  expect(execution.id?.name).toBe("intact");
  expect(
    admin.logs.filter((line) => line["msg"] === "request failed outside any RPC" || line["msg"] === "rpc failed"),
  ).toEqual([]);
}
