import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { connect as netConnect } from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir } from "@aloft/test-helpers";
import { Code as ConnectCode, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { describe, expect, it } from "vitest";
import { startTestServer } from "./fake-managers.test-helper.js";

// A self-signed certificate for localhost/127.0.0.1 (EC P-256, valid until 2126), for tests only.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUKHAaoTog3+JAuHByAyPUcibkn+0wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMTAyNTI1MloYDzIxMjYxMDI4
MDI1MjUyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARxnqltvjlkSivXTrDgYX8E+2OTYdbjq8SLR6ibjQg1aU+EeeLaKhwQ
7krwqU3Q/2ZxifaLS6r9Oe7x8+7JQuWro28wbTAdBgNVHQ4EFgQUFgDCiR9+G5pM
iqwWUEC6QvPobZswHwYDVR0jBBgwFoAUFgDCiR9+G5pMiqwWUEC6QvPobZswDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgc/4V9uOxPzlupONgY3mQWyko0dhB6U327VjHpuItP1wCIQC8
GLD6pwfQlS/l/rssl09SsbheOcvsnLNQc3xvm3N9gw==
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYSNJPFoF3q1V/usG
SfpShCnVjzm7UPFAR5ms4TAcKfahRANCAARxnqltvjlkSivXTrDgYX8E+2OTYdbj
q8SLR6ibjQg1aU+EeeLaKhwQ7krwqU3Q/2ZxifaLS6r9Oe7x8+7JQuWr
-----END PRIVATE KEY-----
`;

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe("graceful close", () => {
  it("refuses new connections at once and lets in-flight REST and gRPC calls finish", async () => {
    const t = await startTestServer();
    const grpc = createClient(AdminService, createGrpcTransport({ baseUrl: t.url }));
    const viaGrpc = grpc.registerProject({ project: { id: "slow", name: "slow" } });
    const viaRest = fetch(`${t.url}/api/v1/projects`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ project: { id: "slow", name: "slow" } }),
    });
    await t.fake.slowGate.waiting(2);

    const closed = t.server.close();
    expect(await refused(t.port)).toBe(true);

    t.fake.slowGate.release();
    const rest = await viaRest;
    expect(rest.status).toBe(200);
    expect(rest.headers.get("connection")).toBe("close");
    expect(await rest.json()).toEqual({});
    await expect(viaGrpc).resolves.toBeDefined();
    await closed;
  });

  it("cuts what is left after the shutdown timeout", async () => {
    const t = await startTestServer({ config: { server: { gracefulShutdownTimeout: "50ms" } } });
    const grpc = createClient(AdminService, createGrpcTransport({ baseUrl: t.url }));
    const stuck = grpc.registerProject({ project: { id: "slow", name: "slow" } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await t.fake.slowGate.waiting(1);
    await t.server.close();
    expect(await stuck).toMatchObject({ code: expect.any(Number) });
    expect(t.logs).toContainEqual(expect.objectContaining({ msg: "graceful close timed out; cutting" }));
    t.fake.slowGate.release();
  });
});

describe("connection sniffing", () => {
  it("drops a connection that sends nothing within the header timeout", async () => {
    const t = await startTestServer({ config: { server: { readHeaderTimeout: "50ms" } } });
    try {
      const closed = await new Promise<boolean>((resolve) => {
        const socket = netConnect(t.port, "127.0.0.1");
        socket.once("close", () => resolve(true));
        socket.once("error", () => undefined);
      });
      expect(closed).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe("TLS", () => {
  it("serves HTTP/1.1 REST and gRPC over h2 on one TLS port, negotiated by ALPN", async () => {
    const dir = await makeTempDir("aloft-tls-");
    try {
      await writeFile(join(dir.path, "cert.pem"), CERT);
      await writeFile(join(dir.path, "key.pem"), KEY);
      const t = await startTestServer({
        config: {
          server: {
            security: { ssl: { certificateFile: join(dir.path, "cert.pem"), keyFile: join(dir.path, "key.pem") } },
          },
        },
      });
      try {
        expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const body = await new Promise<string>((resolve, reject) => {
          const req = httpsRequest(
            `${t.url}/api/v1/version`,
            { agent: new HttpsAgent({ keepAlive: true, ca: CERT }), headers: { accept: "application/json" } },
            (res) => {
              let text = "";
              res.on("data", (c: Buffer) => (text += c.toString()));
              res.on("end", () => resolve(`${res.httpVersion} ${res.headers.connection} ${text}`));
            },
          );
          req.on("error", reject);
          req.end();
        });
        expect(body).toBe(
          '1.1 keep-alive {"control_plane_version":{"Build":"abc","Version":"v1.2.3","BuildTime":"2026-01-01"}}',
        );

        const client = createClient(AdminService, createGrpcTransport({ baseUrl: t.url, nodeOptions: { ca: CERT } }));
        expect((await client.getVersion({})).controlPlaneVersion?.Version).toBe("v1.2.3");
        await expect(client.getTask({ id: { name: "missing" } })).rejects.toMatchObject({ code: ConnectCode.NotFound });
      } finally {
        // An idle HTTP/1.1 keep-alive connection and an h2 session are open: close must not wait for a deadline.
        await t.close();
      }
      expect(t.logs).not.toContainEqual(expect.objectContaining({ msg: "graceful close timed out; cutting" }));
    } finally {
      await dir.cleanup();
    }
  });
});
