import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AloftError, Code } from "@aloft/idl";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadAdminConfig } from "../index.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("aloft-config-");
});
afterEach(async () => {
  await dir.cleanup();
});

async function rejection(promise: Promise<unknown>): Promise<AloftError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("loadAdminConfig", () => {
  it("uses the defaults under the home directory when there is no file", async () => {
    const { config, configFile } = await loadAdminConfig({ env: {}, homeDir: dir.path });
    expect(configFile).toBeUndefined();
    expect(config.server.port).toBe(30080);
    expect(config.database).toMatchObject({ kind: "sqlite", path: join(dir.path, ".aloft", "aloft.db") });
    expect(config.storage).toMatchObject({ kind: "fs", root: join(dir.path, ".aloft", "blobs") });
  });

  it("reads ~/.aloft/config.yaml when present, resolving relative paths against its folder", async () => {
    await mkdir(join(dir.path, ".aloft"));
    await writeFile(
      join(dir.path, ".aloft", "config.yaml"),
      "server:\n  port: 9000\nstorage:\n  root: ./blobs-here\nlogger:\n  level: debug\n",
    );
    const { config, configFile } = await loadAdminConfig({ env: {}, homeDir: dir.path });
    expect(configFile).toBe(join(dir.path, ".aloft", "config.yaml"));
    expect(config.server.port).toBe(9000);
    expect(config.storage).toMatchObject({ root: join(dir.path, ".aloft", "blobs-here") });
    expect(config.logger.level).toBe("debug");
  });

  it("prefers --config, then ALOFT_CONFIG, over the default file", async () => {
    await writeFile(join(dir.path, "a.yaml"), "server: { port: 1111 }\n");
    await writeFile(join(dir.path, "b.yaml"), "server: { port: 2222 }\n");
    const env = { ALOFT_CONFIG: join(dir.path, "b.yaml") };
    expect((await loadAdminConfig({ env, homeDir: dir.path })).config.server.port).toBe(2222);
    const explicit = await loadAdminConfig({ configPath: join(dir.path, "a.yaml"), env, homeDir: dir.path });
    expect(explicit.config.server.port).toBe(1111);
  });

  it("applies ALOFT_* environment overrides over the file", async () => {
    await writeFile(
      join(dir.path, "c.yaml"),
      "server:\n  port: 1\n  host: 10.0.0.1\nstorage:\n  bucket: from-file\nlogger:\n  level: warn\n",
    );
    const { config } = await loadAdminConfig({
      configPath: join(dir.path, "c.yaml"),
      homeDir: dir.path,
      env: {
        ALOFT_PORT: "4321",
        ALOFT_HOST: "0.0.0.0",
        ALOFT_DATABASE_URL: "postgres://aloft@127.0.0.1:5432/aloft",
        ALOFT_STORAGE_ROOT: "/srv/blobs",
        ALOFT_SIGNING_SECRET: "0123456789abcdef0123",
        ALOFT_LOG_LEVEL: "error",
        ALOFT_PUBLIC_URL: "https://admin.example.com/",
      },
    });
    expect(config.server.port).toBe(4321);
    expect(config.server.host).toBe("0.0.0.0");
    expect(config.server.publicUrl).toBe("https://admin.example.com");
    expect(config.database).toEqual({
      kind: "postgres",
      url: "postgres://aloft@127.0.0.1:5432/aloft",
      schema: "public",
    });
    expect(config.storage).toEqual({ kind: "fs", root: "/srv/blobs", signingSecret: "0123456789abcdef0123" });
    expect(config.logger.level).toBe("error");
  });

  it("switches to S3 from the environment", async () => {
    const { config } = await loadAdminConfig({
      homeDir: dir.path,
      env: {
        ALOFT_S3_BUCKET: "bucket",
        ALOFT_S3_ENDPOINT: "http://127.0.0.1:9000",
        ALOFT_S3_REGION: "eu-west-1",
        ALOFT_S3_FORCE_PATH_STYLE: "false",
      },
    });
    expect(config.storage).toEqual({
      kind: "s3",
      bucket: "bucket",
      endpoint: "http://127.0.0.1:9000",
      region: "eu-west-1",
      forcePathStyle: false,
    });
  });

  it.each([
    [{ ALOFT_PORT: "eighty" }, 'environment variable ALOFT_PORT must be a port number from 0 to 65535, got "eighty"'],
    [
      { ALOFT_LOG_LEVEL: "chatty" },
      'environment variable ALOFT_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "chatty"',
    ],
    [
      { ALOFT_DATABASE_URL: "oracle://x" },
      "environment variable ALOFT_DATABASE_URL must be sqlite:///<absolute path>, sqlite::memory: or postgres://…",
    ],
    [
      { ALOFT_STORAGE_ROOT: "/a", ALOFT_S3_BUCKET: "b" },
      "environment variable ALOFT_STORAGE_ROOT and ALOFT_S3_BUCKET cannot both be set: choose the fs or the S3 store",
    ],
    [
      { ALOFT_S3_FORCE_PATH_STYLE: "yes" },
      'environment variable ALOFT_S3_FORCE_PATH_STYLE must be true or false, got "yes"',
    ],
  ])("rejects a bad environment value %j naming the variable", async (env, message) => {
    const error = await rejection(loadAdminConfig({ env, homeDir: dir.path }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(message);
  });

  it("names the file and the key of a bad setting", async () => {
    const file = join(dir.path, "bad.yaml");
    await writeFile(file, "server:\n  port: -1\n");
    const error = await rejection(loadAdminConfig({ configPath: file, env: {}, homeDir: dir.path }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(
      `config key server.port must be an integer from 0 to 65535, got -1 (in ${file} or the ALOFT_* environment)`,
    );
  });

  it("reports a missing explicit file and unparsable YAML", async () => {
    const missing = join(dir.path, "missing.yaml");
    const notFound = await rejection(loadAdminConfig({ configPath: missing, env: {}, homeDir: dir.path }));
    expect(notFound.code).toBe(Code.InvalidArgument);
    expect(notFound.rawMessage).toMatch(new RegExp(`^cannot read the admin config file ${missing}: ENOENT`));

    const broken = join(dir.path, "broken.yaml");
    await writeFile(broken, "server: [port: 1\n");
    const unparsable = await rejection(loadAdminConfig({ configPath: broken, env: {}, homeDir: dir.path }));
    expect(unparsable.code).toBe(Code.InvalidArgument);
    expect(unparsable.rawMessage).toMatch(new RegExp(`^cannot parse the admin config file ${broken}: `));

    const list = join(dir.path, "list.yaml");
    await writeFile(list, "- a\n- b\n");
    const notMapping = await rejection(loadAdminConfig({ configPath: list, env: {}, homeDir: dir.path }));
    expect(notMapping.rawMessage).toBe(`the admin config file ${list} must hold a mapping of keys to values`);
  });
});
