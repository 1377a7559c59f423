import { AloftError, Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { compileAdminConfig, parseDatabaseUrl } from "../index.js";

const home = "/home/ada";

function errorOf(fn: () => unknown): AloftError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  throw new Error("expected an AloftError");
}

describe("compileAdminConfig", () => {
  it("fills every default when the file is empty", () => {
    const config = compileAdminConfig(undefined, { homeDir: home });
    expect(config.server).toEqual({
      host: "127.0.0.1",
      port: 30080,
      publicUrl: "http://127.0.0.1:30080",
      readHeaderTimeoutMs: 32_000,
      gracefulShutdownTimeoutMs: 10_000,
      grpc: { maxMessageSizeBytes: 4 * 1024 * 1024, serverReflection: true },
      security: {
        ssl: { certificateFile: undefined, keyFile: undefined },
        useAuth: false,
        allowCors: true,
        allowedOrigins: ["*"],
        allowedHeaders: [
          "Content-Type",
          "flyte-authorization",
          "x-user-agent",
          "x-grpc-web",
          "connect-protocol-version",
          "connect-timeout-ms",
          "grpc-timeout",
        ],
      },
      dataProxy: {
        upload: { maxExpiresInMs: 3_600_000, defaultFileNameLength: 20, storagePrefix: "" },
        download: { maxExpiresInMs: 3_600_000 },
      },
    });
    expect(config.database).toEqual({
      kind: "sqlite",
      path: "/home/ada/.aloft/aloft.db",
      url: "sqlite:///home/ada/.aloft/aloft.db",
    });
    expect(config.storage).toEqual({ kind: "fs", root: "/home/ada/.aloft/blobs", signingSecret: undefined });
    expect(config.logger).toEqual({ level: "info" });
    expect(config.domains.map((d) => d.id)).toEqual(["development", "staging", "production"]);
    expect(config.application.maxParallelism).toBe(25);
    expect(config.application.metadataStoragePrefix).toEqual(["metadata", "admin"]);
    expect(config.remoteData).toEqual({
      maxSizeInBytes: 2 * 1024 * 1024,
      inlineEventDataPolicy: "Offload",
      signedUrls: { enabled: false, durationMinutes: 0 },
    });
    expect(config.registration).toEqual({
      maxWorkflowNodes: 100,
      maxLabelEntries: 0,
      maxAnnotationEntries: 0,
      workflowSizeLimitBytes: undefined,
    });
    expect(config.taskResources).toEqual({
      defaults: { cpu: "2", memory: "200Mi" },
      limits: { cpu: "2", memory: "1Gi", gpu: "1" },
    });
    expect(config.namespaceMapping.template).toBe("{{ project }}-{{ domain }}");
    expect(config.taskTypeWhitelist).toEqual({});
  });

  it("reads flyteadmin-style durations, quantities and nested settings", () => {
    const config = compileAdminConfig(
      {
        server: {
          host: "0.0.0.0",
          port: 8088,
          gracefulShutdownTimeout: "1m30s",
          readHeaderTimeout: 500,
          dataProxy: { upload: { maxExpiresIn: "15m" } },
        },
        registration: { workflowSizeLimit: "2Mi" },
        taskResources: { limits: { memory: "4Gi", ephemeralStorage: "500Mi" } },
        taskTypeWhitelist: { sparkonk8s: [{ project: "p" }] },
        domains: [{ id: "dev" }],
        storage: { root: "~/data/blobs" },
      },
      { homeDir: home },
    );
    expect(config.server.publicUrl).toBe("http://localhost:8088");
    expect(config.server.gracefulShutdownTimeoutMs).toBe(90_000);
    expect(config.server.readHeaderTimeoutMs).toBe(500);
    expect(config.server.dataProxy.upload.maxExpiresInMs).toBe(900_000);
    expect(config.registration.workflowSizeLimitBytes).toBe(2 * 1024 * 1024);
    expect(config.taskResources.limits).toEqual({
      cpu: "2",
      gpu: "1",
      memory: "4Gi",
      ephemeralStorage: "500Mi",
    });
    expect(config.taskTypeWhitelist).toEqual({ sparkonk8s: [{ project: "p", domain: "" }] });
    expect(config.domains).toEqual([{ id: "dev", name: "dev" }]);
    expect(config.storage).toEqual({ kind: "fs", root: "/home/ada/data/blobs", signingSecret: undefined });
  });

  it("selects PostgreSQL and S3 from their settings", () => {
    const config = compileAdminConfig(
      {
        database: { url: "postgres://flyte@db:5432/flyte", schema: "admin" },
        storage: { bucket: "flyte-data", endpoint: "http://minio:9000/" },
      },
      { homeDir: home },
    );
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://flyte@db:5432/flyte", schema: "admin" });
    expect(config.storage).toEqual({
      kind: "s3",
      bucket: "flyte-data",
      endpoint: "http://minio:9000",
      region: undefined,
      forcePathStyle: true,
    });
  });

  it.each([
    [{ server: { port: 70000 } }, "config key server.port must be an integer from 0 to 65535, got 70000"],
    [{ server: { prot: 1 } }, "config key server.prot is not a known setting"],
    [
      { server: { security: { allowCors: "yes" } } },
      'config key server.security.allowCors must be true or false, got "yes"',
    ],
    [
      { server: { gracefulShutdownTimeout: "10 sec" } },
      'config key server.gracefulShutdownTimeout must be a duration such as "30s" or "1h": time: unknown unit " sec" in duration "10 sec"',
    ],
    [
      { logger: { level: "loud" } },
      'config key logger.level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      { database: { url: "mysql://x" } },
      'config key database.url must be sqlite:///<absolute path>, sqlite::memory: or postgres://…, got "mysql://x"',
    ],
    [{ storage: { kind: "s3" } }, "config key storage.bucket is required"],
    [{ storage: { root: "/x", bucket: "b" } }, 'config key storage.root only applies to storage kind "fs"'],
    [{ storage: { signingSecret: "short" } }, "config key storage.signingSecret must have at least 16 bytes"],
    [{ domains: [{ name: "x" }] }, "config key domains[0].id is required"],
    [{ domains: [] }, "config key domains must list at least one domain"],
    [
      { server: { security: { ssl: { certificateFile: "/c.pem" } } } },
      "config key server.security.ssl.keyFile must be set together with its pair",
    ],
    [
      { server: { security: { useAuth: true } } },
      "config key server.security.useAuth is not supported yet (authentication is a later issue)",
    ],
    [
      { taskResources: { limits: { cpu: "two" } } },
      'config key taskResources.limits.cpu must be a Kubernetes quantity such as "500m" or "1Gi", got "two"',
    ],
    [{ server: "8080" }, 'config key server must be a mapping, got "8080"'],
  ])("rejects %j naming the key", (input, message) => {
    const error = errorOf(() => compileAdminConfig(input, { homeDir: home }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(message);
  });
});

describe("parseDatabaseUrl", () => {
  it.each([
    ["sqlite:///var/lib/aloft.db", { kind: "sqlite", path: "/var/lib/aloft.db" }],
    ["sqlite::memory:", { kind: "sqlite", path: ":memory:" }],
    ["sqlite:relative.db", { kind: "sqlite", path: "relative.db" }],
    ["postgresql://u@h/db", { kind: "postgres" }],
    ["postgres://u:p@h:5432/db?sslmode=disable", { kind: "postgres" }],
    ["mysql://h/db", undefined],
    ["sqlite:", undefined],
  ])("reads %s", (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });
});
