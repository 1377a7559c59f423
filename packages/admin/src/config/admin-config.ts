/**
 * Admin's configuration: {@link AdminConfigInput} is what a YAML file holds (every key optional, flyteadmin's key
 * names where flyteadmin has the setting), {@link compileAdminConfig} fills every default in one place and checks
 * every value, and {@link AdminConfig} is the result the server and managers read (units in the names).
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigReader } from "./config-reader.js";

/** pino's levels plus `silent`. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** The log levels {@link compileAdminConfig} accepts. */
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** How inline event outputs are kept: flyteadmin's `remoteData.inlineEventDataPolicy`. */
export type InlineEventDataPolicy = "Offload" | "StoreInline";

/** One configured domain, as flyteadmin's `domains` section. */
export interface DomainConfig {
  id: string;
  name: string;
}

/** A project/domain pair a whitelisted task type may be used in (empty strings match any). */
export interface WhitelistScope {
  project: string;
  domain: string;
}

/** A project created at start-up unless it exists (flyteadmin's `migrate seed-projects`). */
export interface SeedProject {
  /** The project id (and name); a DNS-1123 label. */
  name: string;
  /** @default "<name> description" */
  description: string;
}

/** Kubernetes quantities (`"500m"`, `"1Gi"`) per resource, as flyteadmin's `task_resources` entries. */
export interface TaskResourceSet {
  cpu?: string;
  gpu?: string;
  memory?: string;
  storage?: string;
  ephemeralStorage?: string;
}

/** The database: an SQLite file (embedded default) or a PostgreSQL server. */
export type DatabaseConfig =
  | {
      kind: "sqlite";
      /** Absolute path of the database file, or `:memory:`. */
      path: string;
      /** The URL it was given as (`sqlite:///abs/path`). */
      url: string;
    }
  | {
      kind: "postgres";
      /** `postgres://user:password@host:port/database?…` as given. */
      url: string;
      /** Schema holding admin's tables. @default "public" */
      schema: string;
    };

/** Where blobs live: a local directory (embedded default) or an S3-compatible bucket. */
export type StorageConfig =
  | {
      kind: "fs";
      /** Absolute directory holding every object. */
      root: string;
      /** HMAC key for the signed URLs admin serves under `/blobs`; undefined = the composition root generates one. */
      signingSecret: string | undefined;
    }
  | {
      kind: "s3";
      bucket: string;
      endpoint: string | undefined;
      region: string | undefined;
      forcePathStyle: boolean;
    };

/** Compiled configuration. Every field is set; durations are milliseconds and sizes bytes. */
export interface AdminConfig {
  server: {
    /** Interface to listen on. @default "127.0.0.1" */
    host: string;
    /** The one port for gRPC, gRPC-Web, Connect and REST; 0 picks a free port. @default 30080 */
    port: number;
    /** Base URL clients reach admin at (signed blob URLs point here). @default `http://<host>:<port>` */
    publicUrl: string;
    /** Time allowed to read request headers (flyteadmin's `readHeaderTimeoutSeconds`). @default 32 s */
    readHeaderTimeoutMs: number;
    /** How long `close()` waits for in-flight requests before cutting connections. @default 10 s */
    gracefulShutdownTimeoutMs: number;
    grpc: {
      /**
       * Largest request message accepted, over gRPC and as a REST body (flyteadmin's gateway hands REST bodies
       * to its gRPC server, whose default limit is grpc-go's 4 MiB). @default 4194304
       */
      maxMessageSizeBytes: number;
      /** Serve `grpc.reflection.v1` and `v1alpha`. @default true */
      serverReflection: boolean;
    };
    security: {
      /** PEM files; TLS (with ALPN h2 + http/1.1) is on when both are set. */
      ssl: { certificateFile: string | undefined; keyFile: string | undefined };
      /** Authentication (a later issue); must stay false for now. @default false */
      useAuth: boolean;
      /** Answer CORS preflights and add CORS headers, as gorilla/handlers does for flyteadmin. @default true */
      allowCors: boolean;
      /** Allowed `Origin`s; `*` allows any. @default ["*"] */
      allowedOrigins: string[];
      /**
       * Request headers a browser may send (besides gorilla's always-allowed Accept, Accept-Language,
       * Content-Language and Origin). flyteadmin's defaults plus what gRPC-Web and Connect browser clients send.
       * @default ["Content-Type", "flyte-authorization", "x-user-agent", "x-grpc-web", "connect-protocol-version", "connect-timeout-ms", "grpc-timeout"]
       */
      allowedHeaders: string[];
    };
    dataProxy: {
      upload: {
        /** @default 1 h */
        maxExpiresInMs: number;
        /** @default 20 */
        defaultFileNameLength: number;
        /** @default "" */
        storagePrefix: string;
      };
      download: {
        /** @default 1 h */
        maxExpiresInMs: number;
      };
    };
  };
  database: DatabaseConfig;
  storage: StorageConfig;
  logger: {
    /** @default "info" */
    level: LogLevel;
  };
  /** @default development, staging, production */
  domains: DomainConfig[];
  /** flyteadmin's top-level `flyteadmin` section: defaults applied to executions. */
  application: {
    /** @default ["metadata", "admin"] */
    metadataStoragePrefix: string[];
    /** @default 2 */
    eventVersion: number;
    /** @default 25 */
    maxParallelism: number;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    envs: Record<string, string>;
    interruptible: boolean;
    overwriteCache: boolean;
    assumableIamRole: string;
    k8sServiceAccount: string;
    outputLocationPrefix: string;
    useOffloadedWorkflowClosure: boolean;
    consoleUrl: string;
    featureGates: { enableArtifacts: boolean };
  };
  remoteData: {
    /** Inline data limit for events and `Get*Data`. @default 2 MiB */
    maxSizeInBytes: number;
    /** @default "Offload" */
    inlineEventDataPolicy: InlineEventDataPolicy;
    signedUrls: {
      /** @default false */
      enabled: boolean;
      /** @default 0 (flyteadmin's default; the storage layer's own default then applies) */
      durationMinutes: number;
    };
  };
  registration: {
    /** @default 100 */
    maxWorkflowNodes: number;
    /** 0 = unlimited. @default 0 */
    maxLabelEntries: number;
    /** 0 = unlimited. @default 0 */
    maxAnnotationEntries: number;
    /** Serialized closure limit; undefined = unlimited. */
    workflowSizeLimitBytes: number | undefined;
  };
  taskResources: {
    /** @default { cpu: "2", memory: "200Mi" } */
    defaults: TaskResourceSet;
    /** @default { cpu: "2", memory: "1Gi", gpu: "1" } */
    limits: TaskResourceSet;
  };
  namespaceMapping: {
    /** @default "{{ project }}-{{ domain }}" */
    template: string;
  };
  /** Task types that need whitelisting, and where each may be used; empty = every type allowed. */
  taskTypeWhitelist: Record<string, WhitelistScope[]>;
  /**
   * Projects created at start-up when missing, never changed when present (flyteadmin's `migrate seed-projects`,
   * which uses `FirstOrCreate`). @default []
   */
  seedProjects: SeedProject[];
}

/** Durations: a Go duration string (`"90s"`, `"1h30m"`) or a number of milliseconds. */
export type DurationInput = string | number;

/**
 * The YAML file's shape: every key optional. Durations are Go duration strings (`"10s"`) or milliseconds,
 * paths may start with `~/`.
 */
export interface AdminConfigInput {
  server?: {
    host?: string;
    port?: number;
    publicUrl?: string;
    readHeaderTimeout?: DurationInput;
    gracefulShutdownTimeout?: DurationInput;
    grpc?: { maxMessageSizeBytes?: number; serverReflection?: boolean };
    security?: {
      ssl?: { certificateFile?: string; keyFile?: string };
      useAuth?: boolean;
      allowCors?: boolean;
      allowedOrigins?: string[];
      allowedHeaders?: string[];
    };
    dataProxy?: {
      upload?: { maxExpiresIn?: DurationInput; defaultFileNameLength?: number; storagePrefix?: string };
      download?: { maxExpiresIn?: DurationInput };
    };
  };
  database?: { url?: string; schema?: string };
  storage?: {
    kind?: "fs" | "s3";
    root?: string;
    signingSecret?: string;
    bucket?: string;
    endpoint?: string;
    region?: string;
    forcePathStyle?: boolean;
  };
  logger?: { level?: LogLevel };
  domains?: DomainConfig[];
  application?: Partial<Omit<AdminConfig["application"], "featureGates">> & {
    featureGates?: Partial<AdminConfig["application"]["featureGates"]>;
  };
  remoteData?: {
    maxSizeInBytes?: number;
    inlineEventDataPolicy?: InlineEventDataPolicy;
    signedUrls?: { enabled?: boolean; durationMinutes?: number };
  };
  registration?: {
    maxWorkflowNodes?: number;
    maxLabelEntries?: number;
    maxAnnotationEntries?: number;
    /** Bytes, or a Kubernetes quantity such as `"2Mi"`. */
    workflowSizeLimit?: number | string;
  };
  taskResources?: { defaults?: TaskResourceSet; limits?: TaskResourceSet };
  namespaceMapping?: { template?: string };
  taskTypeWhitelist?: Record<string, WhitelistScope[]>;
  /** Project names, or `{ name, description }` mappings. */
  seedProjects?: (string | { name: string; description?: string })[];
}

/** Options of {@link compileAdminConfig}. */
export interface CompileAdminConfigOptions {
  /** Expands `~/` and holds the default SQLite file and blob directory (`~/.aloft`). @default os.homedir() */
  homeDir?: string;
  /** Relative paths in the input resolve against this. @default process.cwd() */
  baseDir?: string;
}

/** The default admin port. */
export const DEFAULT_ADMIN_PORT = 30080;

const MIB = 1024 * 1024;
const TASK_RESOURCE_KEYS = ["cpu", "gpu", "memory", "storage", "ephemeralStorage"] as const;

/**
 * Checks `input` (parsed YAML, so `unknown`) and fills every default. Throws AloftError InvalidArgument naming the
 * offending key (`config key server.port must be …`), including unknown keys, so typos cannot go unnoticed.
 */
export function compileAdminConfig(input: unknown = {}, options: CompileAdminConfigOptions = {}): AdminConfig {
  const homeDir = options.homeDir ?? homedir();
  const baseDir = options.baseDir ?? process.cwd();
  const aloftDir = join(homeDir, ".aloft");
  const path = (text: string): string => {
    const expanded = text === "~" ? homeDir : text.startsWith("~/") ? join(homeDir, text.slice(2)) : text;
    return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
  };

  const root = ConfigReader.root(withSeedProjectMappings(input));
  const server = root.section("server");
  const host = server.string("host", "127.0.0.1");
  const port = server.integer("port", DEFAULT_ADMIN_PORT, { min: 0, max: 65535 });
  const grpc = server.section("grpc");
  const security = server.section("security");
  const ssl = security.section("ssl");
  const dataProxy = server.section("dataProxy");
  const upload = dataProxy.section("upload");
  const download = dataProxy.section("download");
  const certificateFile = ssl.optionalString("certificateFile");
  const keyFile = ssl.optionalString("keyFile");
  if ((certificateFile === undefined) !== (keyFile === undefined)) {
    ssl.fail(certificateFile === undefined ? "certificateFile" : "keyFile", "must be set together with its pair");
  }
  const useAuth = security.boolean("useAuth", false);
  if (useAuth) security.fail("useAuth", "is not supported yet (authentication is a later issue)");

  const compiledServer: AdminConfig["server"] = {
    host,
    port,
    publicUrl: server.url("publicUrl", `http://${publicHost(host)}:${port}`),
    readHeaderTimeoutMs: server.durationMs("readHeaderTimeout", 32_000),
    gracefulShutdownTimeoutMs: server.durationMs("gracefulShutdownTimeout", 10_000),
    grpc: {
      maxMessageSizeBytes: grpc.integer("maxMessageSizeBytes", 4 * MIB, { min: 1, max: 2 ** 32 - 1 }),
      serverReflection: grpc.boolean("serverReflection", true),
    },
    security: {
      ssl: {
        certificateFile: certificateFile === undefined ? undefined : path(certificateFile),
        keyFile: keyFile === undefined ? undefined : path(keyFile),
      },
      useAuth,
      allowCors: security.boolean("allowCors", true),
      allowedOrigins: security.stringList("allowedOrigins", ["*"]),
      allowedHeaders: security.stringList("allowedHeaders", [
        "Content-Type",
        "flyte-authorization",
        "x-user-agent",
        "x-grpc-web",
        "connect-protocol-version",
        "connect-timeout-ms",
        "grpc-timeout",
      ]),
    },
    dataProxy: {
      upload: {
        maxExpiresInMs: upload.durationMs("maxExpiresIn", 3_600_000),
        defaultFileNameLength: upload.integer("defaultFileNameLength", 20, { min: 1, max: 256 }),
        storagePrefix: upload.string("storagePrefix", ""),
      },
      download: { maxExpiresInMs: download.durationMs("maxExpiresIn", 3_600_000) },
    },
  };
  server.finish();
  grpc.finish();
  security.finish();
  ssl.finish();
  dataProxy.finish();
  upload.finish();
  download.finish();

  const database = root.section("database");
  const compiledDatabase = compileDatabase(database, join(aloftDir, "aloft.db"), path);
  database.finish();

  const storage = root.section("storage");
  const compiledStorage = compileStorage(storage, join(aloftDir, "blobs"), path);
  storage.finish();

  const logger = root.section("logger");
  const level = logger.oneOf("level", LOG_LEVELS, "info");
  logger.finish();

  const domains = root.list("domains", defaultDomains(), (item) => {
    const id = item.requiredString("id");
    const domain = { id, name: item.string("name", id) };
    item.finish();
    return domain;
  });
  if (domains.length === 0) root.fail("domains", "must list at least one domain");
  const seen = new Set<string>();
  for (const d of domains) {
    if (seen.has(d.id)) root.fail("domains", `lists domain "${d.id}" twice`);
    seen.add(d.id);
  }

  const application = root.section("application");
  const featureGates = application.section("featureGates");
  const compiledApplication: AdminConfig["application"] = {
    metadataStoragePrefix: application.stringList("metadataStoragePrefix", ["metadata", "admin"]),
    eventVersion: application.integer("eventVersion", 2, { min: 0, max: 1000 }),
    maxParallelism: application.integer("maxParallelism", 25, { min: 0, max: 2 ** 31 - 1 }),
    labels: application.stringMap("labels"),
    annotations: application.stringMap("annotations"),
    envs: application.stringMap("envs"),
    interruptible: application.boolean("interruptible", false),
    overwriteCache: application.boolean("overwriteCache", false),
    assumableIamRole: application.string("assumableIamRole", ""),
    k8sServiceAccount: application.string("k8sServiceAccount", ""),
    outputLocationPrefix: application.string("outputLocationPrefix", ""),
    useOffloadedWorkflowClosure: application.boolean("useOffloadedWorkflowClosure", false),
    consoleUrl: application.string("consoleUrl", ""),
    featureGates: { enableArtifacts: featureGates.boolean("enableArtifacts", false) },
  };
  featureGates.finish();
  application.finish();

  const remoteData = root.section("remoteData");
  const signedUrls = remoteData.section("signedUrls");
  const compiledRemoteData: AdminConfig["remoteData"] = {
    maxSizeInBytes: remoteData.integer("maxSizeInBytes", 2 * MIB, { min: 0, max: Number.MAX_SAFE_INTEGER }),
    inlineEventDataPolicy: remoteData.oneOf("inlineEventDataPolicy", ["Offload", "StoreInline"] as const, "Offload"),
    signedUrls: {
      enabled: signedUrls.boolean("enabled", false),
      durationMinutes: signedUrls.integer("durationMinutes", 0, { min: 0, max: 7 * 24 * 60 }),
    },
  };
  signedUrls.finish();
  remoteData.finish();

  const registration = root.section("registration");
  const compiledRegistration: AdminConfig["registration"] = {
    maxWorkflowNodes: registration.integer("maxWorkflowNodes", 100, { min: 0, max: 2 ** 31 - 1 }),
    maxLabelEntries: registration.integer("maxLabelEntries", 0, { min: 0, max: 2 ** 31 - 1 }),
    maxAnnotationEntries: registration.integer("maxAnnotationEntries", 0, { min: 0, max: 2 ** 31 - 1 }),
    workflowSizeLimitBytes: registration.optionalQuantityBytes("workflowSizeLimit"),
  };
  registration.finish();

  const taskResources = root.section("taskResources");
  const compiledTaskResources: AdminConfig["taskResources"] = {
    defaults: compileResourceSet(taskResources.section("defaults"), { cpu: "2", memory: "200Mi" }),
    limits: compileResourceSet(taskResources.section("limits"), { cpu: "2", memory: "1Gi", gpu: "1" }),
  };
  taskResources.finish();

  const namespaceMapping = root.section("namespaceMapping");
  const template = namespaceMapping.string("template", "{{ project }}-{{ domain }}");
  namespaceMapping.finish();

  const taskTypeWhitelist = root.record("taskTypeWhitelist", (scopes) =>
    scopes.listItems((item) => {
      const scope = { project: item.string("project", ""), domain: item.string("domain", "") };
      item.finish();
      return scope;
    }),
  );
  const seedProjects = root.list("seedProjects", [], (item) => {
    const name = item.requiredString("name");
    if (!DNS_1123_LABEL.test(name)) {
      item.fail("name", `must be a DNS-1123 label (lowercase letters, digits and '-', at most 63), got "${name}"`);
    }
    const project = { name, description: item.string("description", `${name} description`) };
    item.finish();
    return project;
  });
  // Like flyteadmin's seeding, a name given twice is created once (the first entry wins).
  const uniqueSeeds: SeedProject[] = [];
  for (const project of seedProjects) if (!uniqueSeeds.some((p) => p.name === project.name)) uniqueSeeds.push(project);
  root.finish();

  return {
    server: compiledServer,
    database: compiledDatabase,
    storage: compiledStorage,
    logger: { level },
    domains,
    application: compiledApplication,
    remoteData: compiledRemoteData,
    registration: compiledRegistration,
    taskResources: compiledTaskResources,
    namespaceMapping: { template },
    taskTypeWhitelist,
    seedProjects: uniqueSeeds,
  };
}

const DNS_1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `seedProjects` may list bare names (as `flyteadmin migrate seed-projects` takes them): make them mappings. */
function withSeedProjectMappings(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const seeds = (input as Record<string, unknown>)["seedProjects"];
  if (!Array.isArray(seeds)) return input;
  return { ...input, seedProjects: seeds.map((item: unknown) => (typeof item === "string" ? { name: item } : item)) };
}

/** Parses a database URL as `ALOFT_DATABASE_URL` and `database.url` take it. */
export function parseDatabaseUrl(url: string): { kind: "sqlite"; path: string } | { kind: "postgres" } | undefined {
  if (url === "sqlite::memory:" || url === "sqlite://:memory:") return { kind: "sqlite", path: ":memory:" };
  // sqlite:///abs/path (empty host), sqlite://./relative.db or sqlite:relative.db
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (match) {
    try {
      return { kind: "sqlite", path: decodeURIComponent(match[1]!) };
    } catch {
      return undefined;
    }
  }
  if (/^postgres(ql)?:\/\/./.test(url)) return { kind: "postgres" };
  return undefined;
}

function compileDatabase(section: ConfigReader, defaultPath: string, path: (text: string) => string): DatabaseConfig {
  const url = section.optionalString("url");
  const schema = section.optionalString("schema");
  if (url === undefined) {
    if (schema !== undefined) section.fail("schema", "only applies to a postgres:// url");
    return { kind: "sqlite", path: defaultPath, url: `sqlite://${defaultPath}` };
  }
  const parsed = parseDatabaseUrl(url);
  if (parsed === undefined) {
    return section.fail("url", `must be sqlite:///<absolute path>, sqlite::memory: or postgres://…, got "${url}"`);
  }
  if (parsed.kind === "sqlite") {
    if (schema !== undefined) section.fail("schema", "only applies to a postgres:// url");
    return { kind: "sqlite", path: parsed.path === ":memory:" ? parsed.path : path(parsed.path), url };
  }
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    section.fail("schema", `must be a plain SQL identifier, got "${schema}"`);
  }
  return { kind: "postgres", url, schema: schema ?? "public" };
}

function compileStorage(section: ConfigReader, defaultRoot: string, path: (text: string) => string): StorageConfig {
  const bucket = section.optionalString("bucket");
  const kind = section.oneOf("kind", ["fs", "s3"] as const, bucket === undefined ? "fs" : "s3");
  if (kind === "fs") {
    for (const key of ["bucket", "endpoint", "region", "forcePathStyle"]) {
      if (section.has(key)) section.fail(key, `only applies to storage kind "s3"`);
    }
    const signingSecret = section.optionalString("signingSecret");
    if (signingSecret !== undefined && Buffer.byteLength(signingSecret) < 16) {
      section.fail("signingSecret", "must have at least 16 bytes");
    }
    return { kind, root: path(section.string("root", defaultRoot)), signingSecret };
  }
  for (const key of ["root", "signingSecret"]) {
    if (section.has(key)) section.fail(key, `only applies to storage kind "fs"`);
  }
  const requiredBucket = section.requiredString("bucket");
  const endpoint = section.has("endpoint") ? section.url("endpoint", "") : undefined;
  return {
    kind,
    bucket: requiredBucket,
    endpoint,
    region: section.optionalString("region"),
    forcePathStyle: section.boolean("forcePathStyle", endpoint !== undefined),
  };
}

function compileResourceSet(section: ConfigReader, defaults: TaskResourceSet): TaskResourceSet {
  const set: TaskResourceSet = {};
  for (const key of TASK_RESOURCE_KEYS) {
    const value = section.optionalQuantity(key) ?? defaults[key];
    if (value !== undefined) set[key] = value;
  }
  section.finish();
  return set;
}

function defaultDomains(): DomainConfig[] {
  return ["development", "staging", "production"].map((id) => ({ id, name: id }));
}

function publicHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
