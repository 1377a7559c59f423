/**
 * Thousands of malformed requests (seeded, so failures reproduce) against one server: every one must get an HTTP
 * answer, none may fail outside the RPC error handling, and the server must stay healthy.
 */
import { Agent, request as httpRequest } from "node:http";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fake-managers.test-helper.js";

const REQUESTS = 2500;
const CONCURRENCY = 16;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ config: { server: { grpc: { maxMessageSizeBytes: 64 * 1024 } } } });
});
afterAll(async () => {
  await t.close();
});

/** mulberry32: a small seeded PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface BadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

function generator(seed: number, templates: string[]): () => BadRequest {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const segments = [
    "p",
    "",
    "%zz",
    "%2F",
    "%20",
    "+",
    "%C3%A9",
    "%ff",
    "..",
    ".",
    "a".repeat(300),
    "%",
    "%E2%82",
    "0",
    "-1",
    "TASK",
    "99999999999",
  ];
  const keys = [
    "limit",
    "token",
    "filters",
    "sort_by.key",
    "sort_by.direction",
    "id.name",
    "id",
    "id.project.x",
    "resource_type",
    "x[y]",
    "sortBy.direction",
    "expires_in",
    "depth",
  ];
  const values = ["1", "-1", "abc", "%zz", "a;b", "1e99", "ASCENDING", "7", "", "%00", "9".repeat(40), "1h", "q"];
  const contentTypes = [
    "application/json",
    "application/octet-stream",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/grpc",
    "application/grpc-web+proto",
    "application/connect+json",
    "multipart/form-data; boundary=x",
    "",
  ];
  const bodies: (() => Buffer)[] = [
    () => Buffer.from("{"),
    () => Buffer.from('{"id": 5}'),
    () => Buffer.from('{"limit": "abc", "project": {"id": []}}'),
    () => Buffer.from("null"),
    () => Buffer.from("[1,2,3]"),
    () => Buffer.from('{"spec": {"template": {"custom": {"a": {"b": {"c": [1, {"d": null}]}}}}}}'),
    () => Buffer.from(`{"a":"${"x".repeat(70_000)}"}`),
    () => Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256))),
    () => Buffer.from("\u0000\u0001\u0002"),
    () => Buffer.from('{"event": {"phase": "NOT_A_PHASE"}}'),
    () => Buffer.from("limit=abc&x=%zz"),
  ];
  const grpcPaths = AdminService.methods.map((m) => `/flyteidl.service.AdminService/${m.name}`);
  return () => {
    const template = rnd() < 0.15 ? pick(grpcPaths) : pick(templates);
    const path = template.replace(/\{[^}]+\}/g, () => pick(segments));
    const query = Array.from({ length: Math.floor(rnd() * 4) }, () => `${pick(keys)}=${pick(values)}`).join("&");
    const contentType = pick(contentTypes);
    const headers: Record<string, string> = {};
    if (contentType !== "") headers["content-type"] = contentType;
    if (rnd() < 0.5) headers["accept"] = pick(["application/json", "application/octet-stream", "*/*", "text/html"]);
    if (rnd() < 0.1) headers["origin"] = "http://localhost:3000";
    const method = pick(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
    const body = method === "GET" || method === "HEAD" || rnd() < 0.2 ? undefined : pick(bodies)();
    // Node's client frames GET/DELETE/OPTIONS bodies by closing the connection unless told the length.
    if (body !== undefined) headers["content-length"] = String(body.byteLength);
    return { method, path: query === "" ? path : `${path}?${query}`, headers, body };
  };
}

function send(agent: Agent, req: BadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = httpRequest(`${t.url}${req.path}`, { method: req.method, headers: req.headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(req.body);
  });
}

describe("malformed input", () => {
  it(`never crashes the server or escapes the error handling (${REQUESTS} seeded random requests)`, async () => {
    const templates = t.server.restRoutes.map((route) => route.template.text);
    const next = generator(20_261_121, templates);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (sent < REQUESTS) {
        sent++;
        const req = next();
        try {
          const status = await send(agent, req);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        } catch (e) {
          // An oversize body may be answered (413) and the connection closed before it was all sent.
          if (!(req.body !== undefined && req.body.byteLength > 64 * 1024))
            failures.push(`${req.method} ${req.path}: ${String(e)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();

    expect(failures).toEqual([]);
    for (const status of statuses.keys()) expect(status).toBeGreaterThanOrEqual(200);
    expect(t.logs.filter((line) => line["msg"] === "request failed outside any RPC")).toEqual([]);
    expect(statuses.get(400)).toBeGreaterThan(0);
    const health = await fetch(`${t.url}/api/v1/version`, { headers: { accept: "application/json" } });
    expect(health.status).toBe(200);
  });
});
