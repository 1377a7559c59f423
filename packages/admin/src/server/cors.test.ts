import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalHeaderKey } from "./cors.js";
import { startTestServer, type TestServer } from "./fake-managers.test-helper.js";

let open: TestServer;
let strict: TestServer;
let off: TestServer;
beforeAll(async () => {
  open = await startTestServer();
  strict = await startTestServer({
    config: {
      server: { security: { allowedOrigins: ["https://console.example.com", "https://other.example.com"] } },
    },
  });
  off = await startTestServer({ config: { server: { security: { allowCors: false } } } });
});
afterAll(async () => {
  await Promise.all([open.close(), strict.close(), off.close()]);
});

async function request(server: TestServer, path: string, method: string, headers: Record<string, string>) {
  const reply = await fetch(server.url + path, { method, headers });
  return {
    status: reply.status,
    headers: Object.fromEntries([...reply.headers].filter(([k]) => k.startsWith("access-control") || k === "vary")),
    body: await reply.text(),
  };
}

describe("CORS as flyteadmin configures gorilla/handlers", () => {
  it("answers a REST preflight with the requested non-default headers and method, origin *", async () => {
    const reply = await request(open, "/api/v1/projects", "OPTIONS", {
      origin: "http://localhost:3000",
      "access-control-request-method": "PUT",
      "access-control-request-headers": "content-type, flyte-authorization, accept",
    });
    expect(reply).toEqual({
      status: 200,
      headers: {
        "access-control-allow-credentials": "true",
        "access-control-allow-headers": "Content-Type,Flyte-Authorization",
        "access-control-allow-methods": "PUT",
        "access-control-allow-origin": "*",
      },
      body: "",
    });
  });

  it("answers a gRPC-Web preflight for the headers browser clients send", async () => {
    const reply = await request(open, "/flyteidl.service.AdminService/GetVersion", "OPTIONS", {
      origin: "http://localhost:3000",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type,x-grpc-web,x-user-agent,grpc-timeout",
    });
    expect(reply.status).toBe(200);
    expect(reply.headers).toEqual({
      "access-control-allow-credentials": "true",
      "access-control-allow-headers": "Content-Type,X-Grpc-Web,X-User-Agent,Grpc-Timeout",
      "access-control-allow-origin": "*",
    });
  });

  it("refuses preflights as gorilla does: 400 without a method, 405 for a method, 403 for a header", async () => {
    const origin = "http://localhost:3000";
    expect((await request(open, "/api/v1/projects", "OPTIONS", { origin })).status).toBe(400);
    expect(
      (await request(open, "/api/v1/projects", "OPTIONS", { origin, "access-control-request-method": "TRACE" })).status,
    ).toBe(405);
    const header = await request(open, "/api/v1/projects", "OPTIONS", {
      origin,
      "access-control-request-method": "GET",
      "access-control-request-headers": "x-secret",
    });
    expect(header).toEqual({ status: 403, headers: {}, body: "" });
  });

  it("adds CORS headers to actual requests, exposing the gRPC status headers", async () => {
    const reply = await request(open, "/api/v1/version", "GET", { origin: "http://localhost:3000" });
    expect(reply.status).toBe(200);
    expect(reply.headers).toEqual({
      "access-control-allow-credentials": "true",
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "Grpc-Status,Grpc-Message,Grpc-Status-Details-Bin",
    });
  });

  it("echoes a listed origin with Vary, and ignores others", async () => {
    const listed = await request(strict, "/api/v1/version", "GET", { origin: "https://console.example.com" });
    expect(listed.headers).toMatchObject({
      "access-control-allow-origin": "https://console.example.com",
      vary: "Origin",
    });
    const foreign = await request(strict, "/api/v1/version", "GET", { origin: "https://evil.example.com" });
    expect(foreign.status).toBe(200);
    expect(foreign.headers).toEqual({});
    const foreignPreflight = await request(strict, "/api/v1/version", "OPTIONS", {
      origin: "https://evil.example.com",
      "access-control-request-method": "GET",
    });
    expect(foreignPreflight).toEqual({ status: 200, headers: {}, body: "" });
  });

  it("stays out of the way when allowCors is off", async () => {
    const reply = await request(off, "/api/v1/version", "GET", { origin: "http://localhost:3000" });
    expect(reply.status).toBe(200);
    expect(reply.headers).toEqual({});
    const preflight = await request(off, "/api/v1/version", "OPTIONS", {
      origin: "http://localhost:3000",
      "access-control-request-method": "GET",
    });
    expect(preflight.status).toBe(501);
  });

  it("canonicalizes header names as Go's textproto", () => {
    expect(canonicalHeaderKey("x-grpc-web")).toBe("X-Grpc-Web");
    expect(canonicalHeaderKey("CONTENT-TYPE")).toBe("Content-Type");
    expect(canonicalHeaderKey("bad header")).toBe("bad header");
  });
});
