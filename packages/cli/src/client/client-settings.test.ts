import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliContext } from "../cli-command.js";
import { resolveClientSettings } from "./client-settings.js";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: home, cleanup } = await makeTempDir("aloft-cli-settings-"));
});
afterEach(async () => {
  await cleanup();
});

function context(env: Record<string, string> = {}): CliContext {
  return {
    output: { stdout: () => undefined, stderr: () => undefined },
    env: { HOME: home, ...env },
    cwd: home,
    setExitCode: () => undefined,
  };
}

async function writeConfig(path: string, text: string): Promise<string> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe("resolveClientSettings", () => {
  it("uses localhost:30080 without TLS when nothing is configured", async () => {
    const settings = await resolveClientSettings({}, context());
    expect(settings.configFile).toBeUndefined();
    expect(settings.connection).toEqual({
      endpoint: { baseUrl: "http://localhost:30080", tls: false },
      endpointSource: "the default endpoint",
      insecureSkipVerify: false,
    });
    expect(settings.project).toBeUndefined();
  });

  it("reads ~/.flyte/config.yaml: endpoint, TLS by default, auth type, root defaults", async () => {
    const file = await writeConfig(
      join(home, ".flyte", "config.yaml"),
      "admin:\n  endpoint: dns:///flyte.example.com\n  authType: ClientSecret\n  caCertFilePath: ca.pem\nroot:\n  project: p1\n  domain: d1\n",
    );
    const settings = await resolveClientSettings({}, context());
    expect(settings.configFile).toBe(file);
    expect(settings.connection).toEqual({
      endpoint: { baseUrl: "https://flyte.example.com:443", tls: true },
      endpointSource: `admin.endpoint in ${file}`,
      insecureSkipVerify: false,
      caCertFilePath: join(home, "ca.pem"),
      authType: "ClientSecret",
    });
    expect([settings.project, settings.domain]).toEqual(["p1", "d1"]);
  });

  it("prefers --config over FLYTECTL_CONFIG over the default file, and flags over root defaults", async () => {
    await writeConfig(join(home, ".flyte", "config.yaml"), "admin:\n  endpoint: default-host:1\n  insecure: true\n");
    const fromEnv = await writeConfig(join(home, "env.yaml"), "admin:\n  endpoint: env-host:2\n  insecure: true\n");
    const fromFlag = await writeConfig(
      join(home, "flag.yaml"),
      "admin:\n  endpoint: flag-host:3\n  insecure: true\nroot:\n  project: p1\n",
    );
    expect((await resolveClientSettings({}, context({ FLYTECTL_CONFIG: fromEnv }))).connection.endpoint.baseUrl).toBe(
      "http://env-host:2",
    );
    const flagged = await resolveClientSettings(
      { config: "flag.yaml", project: "p2", domain: "d2" },
      context({ FLYTECTL_CONFIG: fromEnv }),
    );
    expect([flagged.configFile, flagged.connection.endpoint.baseUrl, flagged.project, flagged.domain]).toEqual([
      fromFlag,
      "http://flag-host:3",
      "p2",
      "d2",
    ]);
  });

  it("lets --admin override the configured endpoint; a bare host:port is plaintext unless the file says otherwise", async () => {
    await writeConfig(join(home, ".flyte", "config.yaml"), "admin:\n  endpoint: dns:///remote:443\n");
    const bare = await resolveClientSettings({ admin: "localhost:8089" }, context());
    expect([bare.connection.endpoint, bare.connection.endpointSource]).toEqual([
      { baseUrl: "http://localhost:8089", tls: false },
      "--admin",
    ]);
    const tls = await resolveClientSettings({ admin: "https://admin.internal" }, context());
    expect(tls.connection.endpoint).toEqual({ baseUrl: "https://admin.internal", tls: true });
  });

  it("fails on a named config file that does not exist, with a hint", async () => {
    await expect(resolveClientSettings({ config: "nope.yaml" }, context())).rejects.toMatchObject({
      message: `cannot read the config file ${join(home, "nope.yaml")} (from --config): no such file`,
      hint: "aloft config init writes one",
      exitCode: 1,
    });
    await expect(resolveClientSettings({}, context({ FLYTECTL_CONFIG: "/nonexistent/c.yaml" }))).rejects.toThrow(
      "cannot read the config file /nonexistent/c.yaml (from FLYTECTL_CONFIG): no such file",
    );
  });
});
