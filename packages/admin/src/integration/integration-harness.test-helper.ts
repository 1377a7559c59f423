/**
 * Test helper: the counterpart of flyteadmin's integration-test set-up (`flyteadmin/tests/bootstrap.go`,
 * `helpers.go` and the reference deployment `script/integration/k8s/integration.yaml`). Each suite gets a real
 * admin built by `createAdminService`, listening on 127.0.0.1 port 0, over a fresh SQLite file or a fresh
 * PostgreSQL schema, with a temp-dir blob store; domains development/staging/production/domain, the task-type
 * whitelist and the seeded projects `project`, `admintests` and `flytekit`, as in flyteadmin's integration run.
 *
 * Tests talk to it through a gRPC client (connect-node over h2c) and a REST client sending and decoding protobuf
 * bodies, and may insert raw rows as the Go harness does with SQL.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type DialectName, HANDOFF_TABLE_NAMES, nowDbTime } from "@aloft/db";
import { AdminService as AdminServiceDesc } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import { DIALECTS, makeTempDir, TEST_POSTGRES_URL } from "@aloft/test-helpers";
import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type AdminConfigInput, compileAdminConfig } from "../config/admin-config.js";
import { type AdminService, createAdminService } from "../create-admin-service.js";
import { type Database, TABLE_NAMES } from "../db/schema.js";
import { executionRow, launchPlanRow, workflowRow } from "../repositories/rows.test-helper.js";
import { createAdminLogger } from "../server/create-logger.js";
import { AdminMetrics } from "../server/metrics.js";
import { createRestProtobufClient } from "./rest-protobuf-client.test-helper.js";

/** The two ways tests reach admin. */
export type TransportName = "grpc" | "rest";

/** Both transports, for tests that run once per transport. */
export const TRANSPORTS: readonly TransportName[] = ["grpc", "rest"];

/** An AdminService client: connect's over gRPC, or the REST protobuf client with the same methods. */
export type AdminClient = Client<typeof AdminServiceDesc>;

/**
 * Configuration of flyteadmin's integration deployment that the tests depend on: its four domains, its task-type
 * whitelist (sparkonk8s and qubolespark allowed only in projects the tests never use) and its seeded projects.
 */
export const INTEGRATION_CONFIG: AdminConfigInput = {
  domains: ["development", "staging", "production", "domain"].map((id) => ({ id, name: id })),
  taskTypeWhitelist: {
    sparkonk8s: [
      { project: "myProject", domain: "production" },
      { project: "myProject2", domain: "production" },
    ],
    qubolespark: [{ project: "myProject3", domain: "" }],
  },
  seedProjects: ["project", "admintests", "flytekit"],
};

/** A running admin and what tests use to drive and inspect it. */
export interface IntegrationAdmin {
  readonly dialect: DialectName;
  /** The composed admin (repositories, blob store, managers). */
  readonly service: AdminService;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly grpc: AdminClient;
  readonly rest: AdminClient;
  /** SignalService over gRPC. */
  readonly signals: Client<typeof SignalService>;
  /** Log lines the admin wrote (info and above), parsed. */
  readonly logs: Record<string, unknown>[];
  /** The client of one transport. */
  client(transport: TransportName): AdminClient;
  /**
   * `GET url` as the Go tests send it (`Accept: application/octet-stream`, `Content-Type: application/json`);
   * expects 200 and decodes the protobuf body.
   */
  httpGet<Desc extends DescMessage>(path: string, schema: Desc): Promise<MessageShape<Desc>>;
  /** Any HTTP request to admin; answers status, headers and body. */
  http(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Buffer }>;
  /** flyteadmin's `truncateAllTablesForTestingOnly`: empties every table but `projects`. */
  truncateAllTables(): Promise<void>;
  /** flyteadmin's `truncateTableForTesting`. */
  truncateTable(table: (typeof TABLE_NAMES)[number]): Promise<void>;
  /** The Kysely database, for raw reads and writes. */
  readonly db: Kysely<Database>;
  /** flyteadmin's raw `INSERT INTO executions (project, domain, name, phase, launch_plan_id, workflow_id)`. */
  insertExecution(row: RawExecution): Promise<void>;
  /** A dummy launch plan row with an explicit id (empty spec and closure). */
  insertLaunchPlan(row: { id: number; project: string; domain: string; name: string; version: string }): Promise<void>;
  /** A dummy workflow row with an explicit id. */
  insertWorkflow(row: {
    id: number;
    project: string;
    domain: string;
    name: string;
    version: string;
    remoteClosureIdentifier: string;
  }): Promise<void>;
  /** A raw `execution_tags` row. */
  insertExecutionTag(row: { project: string; domain: string; name: string; key: string; value: string }): Promise<void>;
}

/** The columns flyteadmin's raw execution insert sets. */
export interface RawExecution {
  project: string;
  domain: string;
  name: string;
  /** @default "UNDEFINED" */
  phase?: string;
  /** @default 1 */
  launchPlanId?: number;
  /** @default 2 */
  workflowId?: number;
}

/** Options of {@link describeIntegration}. */
export interface IntegrationOptions {
  /** Merged over {@link INTEGRATION_CONFIG} (top-level keys replace). */
  config?: AdminConfigInput;
}

/**
 * Runs `body` once per dialect (SQLite always, PostgreSQL with `ALOFT_TEST_POSTGRES_URL`), each against its own
 * running admin, started before the suite and closed (database schema and temp files removed) after it.
 */
export function describeIntegration(
  title: string,
  body: (admin: () => IntegrationAdmin) => void,
  options: IntegrationOptions = {},
): void {
  for (const dialect of DIALECTS) {
    const name = `${title} [${dialect.name}]${dialect.skip === undefined ? "" : ` (skipped: ${dialect.skip})`}`;
    describe.skipIf(dialect.skip !== undefined)(name, () => {
      let current: StartedAdmin | undefined;
      beforeAll(async () => {
        current = await startIntegrationAdmin(dialect.name, options);
      });
      afterAll(async () => {
        await current?.stop();
      });
      body(() => {
        if (current === undefined) throw new Error("the integration admin is not running");
        return current.admin;
      });
    });
  }
}

interface StartedAdmin {
  admin: IntegrationAdmin;
  stop(): Promise<void>;
}

/** Starts one admin for `dialect`; `stop` closes it and removes its schema and files. */
export async function startIntegrationAdmin(
  dialect: DialectName,
  options: IntegrationOptions = {},
): Promise<StartedAdmin> {
  const dir = await makeTempDir("aloft-admin-integration-");
  const schema = dialect === "postgres" ? `aloft_it_${randomBytes(6).toString("hex")}` : undefined;
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") logs.push(JSON.parse(line));
      callback();
    },
  });
  const input: AdminConfigInput = {
    ...INTEGRATION_CONFIG,
    ...options.config,
    server: { host: "127.0.0.1", port: 0, ...options.config?.server },
    database:
      dialect === "postgres"
        ? { url: TEST_POSTGRES_URL ?? "", schema: schema! }
        : { url: `sqlite://${join(dir.path, "admin.db")}` },
    storage: { root: join(dir.path, "blobs"), signingSecret: "an integration test signing secret" },
    logger: { level: "info" },
  };
  const config = compileAdminConfig(input, { homeDir: dir.path });
  let service: AdminService | undefined;
  try {
    service = await createAdminService({
      config,
      logger: createAdminLogger({ level: "info", destination }),
      metrics: new AdminMetrics({ defaultMetrics: false }),
      secretsDir: join(dir.path, "secrets"),
    });
    const { url } = await service.server.listen();
    const admin = integrationAdmin(dialect, service, url, logs);
    const started = service;
    return {
      admin,
      async stop() {
        await started.close();
        if (schema !== undefined) await dropSchema(schema);
        await dir.cleanup();
      },
    };
  } catch (error) {
    await service?.close();
    if (schema !== undefined) await dropSchema(schema).catch(() => undefined);
    await dir.cleanup();
    throw error;
  }
}

function integrationAdmin(
  dialect: DialectName,
  service: AdminService,
  url: string,
  logs: Record<string, unknown>[],
): IntegrationAdmin {
  const transport = createGrpcTransport({ baseUrl: url });
  const grpc = createClient(AdminServiceDesc, transport);
  const rest = createRestProtobufClient(AdminServiceDesc, url);
  const db = service.database.db;
  const isPostgres = service.database.capabilities.name === "postgres";

  /** After inserting explicit ids, PostgreSQL's identity must move past them. */
  const syncIdentity = async (table: "launch_plans" | "workflows"): Promise<void> => {
    if (!isPostgres) return;
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT MAX(id) FROM ${sql.table(table)}))`.execute(
      db,
    );
  };
  const http = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(url + path, init);
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  };

  return {
    dialect,
    service,
    url,
    grpc,
    rest,
    signals: createClient(SignalService, transport),
    logs,
    db,
    client: (name) => (name === "grpc" ? grpc : rest),
    http,
    async httpGet(path, schema) {
      const response = await http(path, {
        headers: { accept: "application/octet-stream", "content-type": "application/json" },
      });
      expect({ path, status: response.status, body: response.status === 200 ? "" : response.body.toString() }).toEqual({
        path,
        status: 200,
        body: "",
      });
      return fromBinary(schema, response.body);
    },
    async truncateAllTables() {
      for (const table of [...TABLE_NAMES, ...HANDOFF_TABLE_NAMES]) {
        if (table !== "projects") await db.deleteFrom(table).execute();
      }
    },
    async truncateTable(table) {
      await db.deleteFrom(table).execute();
    },
    async insertExecution(row) {
      await service.repositories.executions.create(
        executionRow({
          execution_project: row.project,
          execution_domain: row.domain,
          execution_name: row.name,
          phase: row.phase ?? "UNDEFINED",
          launch_plan_id: row.launchPlanId ?? 1,
          workflow_id: row.workflowId ?? 2,
          execution_created_at: null,
          execution_updated_at: null,
        }),
      );
    },
    async insertLaunchPlan(row) {
      await db
        .insertInto("launch_plans")
        .values({
          ...launchPlanRow({ project: row.project, domain: row.domain, name: row.name, version: row.version }),
          id: row.id,
          spec: new Uint8Array([0]),
          closure: new Uint8Array([0]),
          created_at: nowDbTime(),
          updated_at: nowDbTime(),
        })
        .execute();
      await syncIdentity("launch_plans");
    },
    async insertWorkflow(row) {
      await db
        .insertInto("workflows")
        .values({
          ...workflowRow({
            project: row.project,
            domain: row.domain,
            name: row.name,
            version: row.version,
            remote_closure_identifier: row.remoteClosureIdentifier,
            digest: null,
          }),
          id: row.id,
          created_at: nowDbTime(),
          updated_at: nowDbTime(),
        })
        .execute();
      await syncIdentity("workflows");
    },
    async insertExecutionTag(row) {
      const now = nowDbTime();
      await db
        .insertInto("execution_tags")
        .values({
          execution_project: row.project,
          execution_domain: row.domain,
          execution_name: row.name,
          key: row.key,
          value: row.value,
          created_at: now,
          updated_at: now,
        })
        .execute();
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
