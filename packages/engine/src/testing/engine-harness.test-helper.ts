/*
 * An engine on real components for tests: a SQLite (or PostgreSQL) database with the hand-off and engine
 * tables, an FsBlobStore in a temp dir, admin's queued hand-off, and the recording admin double.
 */
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  createDatabase,
  createExecutionQueueRepo,
  createQueueConsumer,
  createQueuedWorkflowExecutor,
  createQueueNotifier,
  type ExecutionRequest,
  HANDOFF_MIGRATIONS,
  type HandoffTables,
  migrateToLatest,
  type QueueNotifier,
  type SqlDatabase,
  type WorkflowExecutor,
} from "@aloft/db";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { WorkflowExecutionConfigSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { endNodeOutputsPath, FsBlobStore, metadataRoot, readProto, workflowDataDir } from "@aloft/storage";
import { makeTempDir, TEST_POSTGRES_URL, testSchemaName, type TestDialectName } from "@aloft/test-helpers";
import { sql, type Kysely } from "kysely";
import { createEngine, type Engine, type EngineOptions } from "../create-engine.js";
import { ENGINE_MIGRATIONS } from "../state/engine-migrations.js";
import { ENGINE_TABLE_NAMES, type EngineTables } from "../state/engine-schema.js";
import { createWorkflowStore, type WorkflowStore } from "../state/workflow-store.js";
import { parseWorkflowStatus, type WorkflowStatus } from "../state/workflow-status.js";
import { createRecordingControlPlane, type RecordingControlPlane } from "./recording-control-plane.test-helper.js";

type Tables = EngineTables & HandoffTables;

/** A database shared by a suite, emptied between tests. */
export interface EngineTestDatabase {
  readonly database: SqlDatabase<Tables>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a database of `dialect` with the engine's and the hand-off's tables. */
export async function openEngineTestDatabase(dialect: TestDialectName): Promise<EngineTestDatabase> {
  const schema = dialect === "postgres" ? testSchemaName("aloft_engine") : undefined;
  const database =
    dialect === "postgres"
      ? await createDatabase<Tables>({ url: TEST_POSTGRES_URL ?? "", schema, poolSize: 4 })
      : await createDatabase<Tables>({ url: "sqlite::memory:" });
  await migrateToLatest(database, HANDOFF_MIGRATIONS);
  await migrateToLatest(database, ENGINE_MIGRATIONS);
  const untyped = database.db as unknown as Kysely<unknown>;
  return {
    database,
    async reset() {
      for (const table of [...ENGINE_TABLE_NAMES, "execution_queue"]) {
        await sql`DELETE FROM ${sql.table(table)}`.execute(untyped);
      }
    },
    async close() {
      await database.close();
      if (schema === undefined) return;
      const server = await createDatabase({ url: TEST_POSTGRES_URL ?? "" });
      try {
        await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(server.db);
      } finally {
        await server.close();
      }
    },
  };
}

/** An engine and everything around it. */
export interface EngineHarness {
  readonly database: SqlDatabase<Tables>;
  readonly blobs: FsBlobStore;
  readonly controlPlane: RecordingControlPlane;
  readonly executor: WorkflowExecutor;
  readonly store: WorkflowStore;
  engine: Engine;
  /** Hands an execution to the engine as admin does. */
  submit(
    name: string,
    closure: CompiledWorkflowClosure,
    inputs?: Record<string, Literal>,
    extra?: SubmitOptions,
  ): Promise<void>;
  /** Asks the engine to abort, as admin's TerminateExecution does. */
  abort(name: string, cause?: string): Promise<void>;
  /**
   * The persisted status once `until` holds for it (events are sent before the status is written, so a
   * test that saw an event may have to wait for the write).
   */
  storedStatus(name: string, until: (status: WorkflowStatus) => boolean): Promise<WorkflowStatus>;
  /** The workflow's outputs (end-node outputs). */
  outputs(name: string): Promise<LiteralMap>;
  /** Stops the current engine and starts a new one on the same database and blobs. */
  restart(overrides?: Partial<EngineOptions>): Promise<void>;
  close(): Promise<void>;
}

export interface SubmitOptions {
  executionConfig?: MessageInitShape<typeof WorkflowExecutionConfigSchema>;
  eventVersion?: number;
}

/** Starts an engine on `db` with the given engine options. */
export async function startEngineHarness(
  db: EngineTestDatabase,
  options: Partial<EngineOptions> = {},
): Promise<EngineHarness> {
  const temp = await makeTempDir("aloft-engine-");
  const blobs = new FsBlobStore({ root: temp.path });
  const database = db.database;
  const controlPlane = createRecordingControlPlane();
  const notifier: QueueNotifier = await createQueueNotifier(database);
  const queueFor = () =>
    createExecutionQueueRepo({ db: database.db, capabilities: database.capabilities, announce: notifier.announce });
  const executor = createQueuedWorkflowExecutor({
    db: database.db,
    capabilities: database.capabilities,
    announce: notifier.announce,
  });
  const makeEngine = (overrides: Partial<EngineOptions>): Engine =>
    createEngine({
      database,
      blobStore: blobs,
      controlPlane,
      queueConsumer: createQueueConsumer({ queue: queueFor(), notifier, owner: "engine-test" }),
      plugins: [],
      owner: "engine-test",
      workers: 8,
      leaseMs: 5_000,
      roundRetryBackoffMs: 1,
      ...options,
      ...overrides,
    });
  const harness: EngineHarness = {
    database,
    blobs,
    controlPlane,
    executor,
    store: createWorkflowStore({ db: database.db }),
    engine: makeEngine({}),
    async submit(name, closure, inputs = {}, extra = {}) {
      const request: ExecutionRequest = {
        executionId: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "d", name }),
        namespace: "p-d",
        referenceWorkflowName: closure.primary?.template?.id?.name ?? "wf",
        referenceLaunchPlanName: closure.primary?.template?.id?.name ?? "wf",
        workflowClosure: closure,
        inputsUri: "",
        inputs: create(LiteralMapSchema, { literals: inputs }),
        acceptedAt: timestampNow(),
        labels: {},
        annotations: {},
        taskPluginOverrides: [],
        executionConfig: create(WorkflowExecutionConfigSchema, extra.executionConfig ?? {}),
        eventVersion: extra.eventVersion ?? 2,
      };
      await executor.execute(request);
    },
    async abort(name, cause = "stopped by the test") {
      await executor.abort({
        executionId: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "d", name }),
        namespace: "p-d",
        cluster: "",
        cause,
      });
    },
    async storedStatus(name, until) {
      for (let i = 0; ; i++) {
        const row = await harness.store.find({ project: "p", domain: "d", name });
        const status = row === undefined ? undefined : parseWorkflowStatus(row.state);
        if (status !== undefined && until(status)) return status;
        if (i >= 1000) throw new Error(`the stored status of ${name} never reached the expected state`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    outputs(name) {
      const dir = workflowDataDir({
        metadataRoot: metadataRoot({ baseUri: blobs.baseUri }),
        executionId: { project: "p", domain: "d", name },
      });
      return readProto(blobs, endNodeOutputsPath(dir), LiteralMapSchema);
    },
    async restart(overrides = {}) {
      await harness.engine.stop();
      harness.engine = makeEngine(overrides);
      controlPlane.onSignal = (name) => harness.engine.wake({ project: "p", domain: "d", name });
      await harness.engine.start();
    },
    async close() {
      await harness.engine.stop();
      await notifier.close();
      await blobs.close();
      await temp.cleanup();
    },
  };
  controlPlane.onSignal = (name) => harness.engine.wake({ project: "p", domain: "d", name });
  await harness.engine.start();
  return harness;
}
