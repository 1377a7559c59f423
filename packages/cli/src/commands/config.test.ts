import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadClientConfig } from "../client/load-client-config.js";
import { runAloft } from "../run-aloft.test-helper.js";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: home, cleanup } = await makeTempDir("aloft-cli-config-"));
});
afterEach(async () => {
  await cleanup();
});

const configFile = () => join(home, ".flyte", "config.yaml");

describe("aloft config init", () => {
  it("writes flytectl's file for the local Aloft when no host is given", async () => {
    const run = await runAloft(["config", "init"], { env: { HOME: home } });
    expect([run.exitCode, run.stderr, run.stdoutLines]).toEqual([
      0,
      "",
      [`wrote ${configFile()}: admin dns:///localhost:30080 (insecure)`],
    ]);
    expect(await readFile(configFile(), "utf8")).toBe(
      [
        "admin:",
        "  # For GRPC endpoints you might want to use dns:///flyte.myexample.com",
        "  endpoint: dns:///localhost:30080",
        "  insecure: true",
        "",
      ].join("\n"),
    );
  });

  it("writes the host behind dns:///, --insecure as given, and the console URL as given; aloft reads it back", async () => {
    const tls = await runAloft(["config", "init", "--host", "https://flyte.example.com"], { env: { HOME: home } });
    expect(tls.exitCode).toBe(0);
    expect(await readFile(configFile(), "utf8")).toContain("  endpoint: dns:///flyte.example.com\n  insecure: false\n");

    const run = await runAloft(
      ["config", "init", "--host", "localhost:8089", "--insecure", "--console", "http://localhost:8088", "--force"],
      { env: { HOME: home } },
    );
    expect(run.exitCode).toBe(0);
    expect(await readFile(configFile(), "utf8")).toBe(
      [
        "admin:",
        "  # For GRPC endpoints you might want to use dns:///flyte.myexample.com",
        "  endpoint: dns:///localhost:8089",
        "  insecure: true",
        "console:",
        "  endpoint: http://localhost:8088",
        "",
      ].join("\n"),
    );
    const { config } = await loadClientConfig({ env: { HOME: home }, cwd: home });
    expect(config).toMatchObject({
      admin: { endpoint: "dns:///localhost:8089", insecure: true },
      console: { endpoint: "http://localhost:8088" },
    });
  });

  it("refuses to replace an existing file without --force, and leaves it unchanged", async () => {
    await mkdir(join(home, ".flyte"));
    await writeFile(configFile(), "admin:\n  endpoint: dns:///mine:1\n");
    const run = await runAloft(["config", "init"], { env: { HOME: home } });
    expect([run.exitCode, run.stdout, run.stderrLines]).toEqual([
      1,
      "",
      [`aloft: ${configFile()} already exists`, "hint: pass --force to replace it"],
    ]);
    expect(await readFile(configFile(), "utf8")).toBe("admin:\n  endpoint: dns:///mine:1\n");
  });

  it("writes --config's file instead when given", async () => {
    const run = await runAloft(["config", "init", "--config", "sandbox.yaml"], { env: { HOME: home }, cwd: home });
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(home, "sandbox.yaml"), "utf8")).toContain("endpoint: dns:///localhost:30080");
  });

  it.each([
    [["--host", "flyte example.com"], "aloft: flyte example.com invalid, please use a valid admin endpoint"],
    [["--host", "flyte.example.com:http"], "aloft: flyte.example.com:http invalid, please use a valid admin endpoint"],
    [["--console", "https://a:b:c"], "aloft: a:b:c invalid, please use a valid console endpoint"],
  ])("is a usage error for %j", async (flags, message) => {
    const run = await runAloft(["config", "init", ...flags], { env: { HOME: home } });
    expect([run.exitCode, run.stderrLines[0]]).toEqual([2, message]);
  });
});
