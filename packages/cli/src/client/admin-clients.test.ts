import { createServer } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClients } from "./admin-clients.js";
import { parseAdminEndpoint } from "./admin-endpoint.js";
import type { AdminConnectionSettings } from "./client-settings.js";
import { AdminUnreachableError, describeConnectionError } from "./connection-errors.js";
import { startLiveAdmin, type LiveAdmin } from "./live-admin.test-helper.js";

let admin: LiveAdmin;
beforeAll(async () => {
  admin = await startLiveAdmin();
});
afterAll(async () => {
  await admin?.stop();
});

function settings(endpoint: string, insecure: boolean, extra: Partial<AdminConnectionSettings> = {}) {
  return {
    endpoint: parseAdminEndpoint(endpoint, { insecure, source: "test" }),
    endpointSource: "test",
    insecureSkipVerify: false,
    ...extra,
  } satisfies AdminConnectionSettings;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("createAdminClients", () => {
  it("talks to admin's AdminService and DataProxyService over plaintext gRPC", async () => {
    const clients = await createAdminClients(settings(`dns:///${admin.hostPort}`, true));
    try {
      const projects = await clients.admin.listProjects({});
      expect(projects.projects.map((p) => p.id)).toContain("flytesnacks");
      const location = await clients.dataProxy.createUploadLocation({
        project: "flytesnacks",
        domain: "development",
        filename: "x.txt",
        contentMd5: new Uint8Array(16),
      });
      expect(location.signedUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
      // Admin's own answers pass through unchanged.
      const missing = await failure(clients.admin.getTask({ id: { project: "flytesnacks", domain: "development" } }));
      expect(missing).toBeInstanceOf(ConnectError);
    } finally {
      clients.close();
    }
  });

  it("turns a refused connection into one line naming the URL and what to do", async () => {
    const port = await closedPort();
    const clients = await createAdminClients(settings(`localhost:${port}`, true));
    const error = await failure(clients.admin.listProjects({}));
    clients.close();
    expect(error).toBeInstanceOf(AdminUnreachableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^cannot reach admin at http://localhost:${port}: connect ECONNREFUSED .+ \\(is \`aloft start\` running\\?\\)$`,
      ),
    );
  });

  it("reports a TLS handshake with a plaintext admin as unreachable too", async () => {
    const clients = await createAdminClients(settings(admin.hostPort, false, { insecureSkipVerify: true }));
    const error = await failure(clients.admin.listProjects({}));
    clients.close();
    expect(error).toBeInstanceOf(AdminUnreachableError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach admin at https://${admin.hostPort}: .+`));
  });

  it("fails clearly when the CA file cannot be read", async () => {
    await expect(
      createAdminClients(settings("flyte.example.com", false, { caCertFilePath: "/nonexistent/ca.pem" })),
    ).rejects.toThrow(/^cannot read admin\.caCertFilePath \/nonexistent\/ca\.pem: /);
  });
});

describe("describeConnectionError", () => {
  it("explains an admin that demands credentials, naming the configured auth type", () => {
    const denied = new ConnectError("token missing", Code.Unauthenticated);
    expect(describeConnectionError(denied, settings("flyte.example.com", false, { authType: "Pkce" }))?.message).toBe(
      "admin at https://flyte.example.com:443 requires authentication, which aloft does not support yet (admin.authType is Pkce, which aloft cannot use): token missing",
    );
    expect(describeConnectionError(denied, settings("localhost:1", true))?.message).toBe(
      "admin at http://localhost:1 requires authentication, which aloft does not support yet: token missing",
    );
  });

  it("leaves admin's own answers alone", () => {
    expect(
      describeConnectionError(new ConnectError("no such task", Code.NotFound), settings("h:1", true)),
    ).toBeUndefined();
    expect(describeConnectionError(new ConnectError("busy", Code.Unavailable), settings("h:1", true))).toBeUndefined();
    expect(describeConnectionError(new Error("other"), settings("h:1", true))).toBeUndefined();
  });
});
