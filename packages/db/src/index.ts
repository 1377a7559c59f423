/**
 * `@aloft/db`: the database plumbing admin, the engine and the catalog share. One SQLite file or
 * PostgreSQL database (schema) holds every package's tables; each package brings its own table types and
 * its own {@link MigrationSet}, and all of them read and write values in the same dialect-free shapes
 * (`DbTime` strings, JS numbers, booleans, `Uint8Array`). It also owns the durable admin → engine
 * hand-off: the `execution_queue` table, the {@link WorkflowExecutor} admin calls, and the
 * {@link QueueConsumer} an engine claims work with.
 *
 * ```ts
 * import {
 *   createDatabase,
 *   createExecutionQueueRepo,
 *   createQueueConsumer,
 *   createQueueNotifier,
 *   HANDOFF_MIGRATIONS,
 *   type HandoffTables,
 *   migrateToLatest,
 * } from "@aloft/db";
 *
 * const database = await createDatabase<HandoffTables>({ url: "sqlite:///tmp/aloft.db" });
 * await migrateToLatest(database, HANDOFF_MIGRATIONS);
 * const notifier = await createQueueNotifier(database);
 * const queue = createExecutionQueueRepo({ db: database.db, capabilities: database.capabilities });
 * const consumer = createQueueConsumer({ queue, notifier, owner: `engine-${process.pid}` });
 * const work = await consumer.claim({ limit: 16, leaseMs: 30_000 });
 * ```
 */

// --- Databases: opening, values, transactions, errors, migrations ---
export { createDatabase, sharedDatabase } from "./create-database.js";
export type { CreateDatabaseOptions, SqlDatabase } from "./create-database.js";
export {
  dateToDbTime,
  dbTimeDiffNanos,
  dbTimeToDate,
  dbTimeToEpochMicros,
  dbTimeToTimestamp,
  isDbTime,
  nowDbTime,
  parseClientTime,
  postgresTimestampToDbTime,
  timestampToDbTime,
} from "./db-time.js";
export type { DbTime } from "./db-time.js";
export { inTransaction } from "./db-executor.js";
export {
  compiledQuery,
  insertRowReturningId,
  insertValuesSql,
  notifyEachSql,
  quoteIdentifier,
  sqlParameters,
} from "./statement-text.js";
export type { SqlParameters } from "./statement-text.js";
export type { DbExecutor } from "./db-executor.js";
export { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from "./dialects/dialect-capabilities.js";
export type { DialectCapabilities, DialectName, SqlTypes } from "./dialects/dialect-capabilities.js";
export { translateDbError, withDbErrors } from "./dialects/translate-db-error.js";
export { migrateToLatest } from "./migrate-to-latest.js";
export type { MigrationReport, MigrationSet } from "./migrate-to-latest.js";
export { createIndex, createNaturalKey, createTable } from "./migration-helpers.js";
export type { ColumnSpec, MigrationFactory, RowTimestamps } from "./migration-helpers.js";
export { listenToPostgresChannel, postgresChannelName } from "./postgres-channel-listener.js";
export type { PostgresChannelListener, PostgresChannelListenerOptions } from "./postgres-channel-listener.js";

// --- The admin → engine hand-off ---
export { HANDOFF_MIGRATIONS } from "./handoff/handoff-migrations.js";
export { HANDOFF_TABLE_NAMES } from "./handoff/handoff-schema.js";
export type {
  ExecutionQueueKind,
  ExecutionQueueRow,
  ExecutionQueueState,
  ExecutionQueueTable,
  HandoffTables,
  NewExecutionQueueRow,
} from "./handoff/handoff-schema.js";
export { createExecutionQueueRepo, enqueueInsert, enqueueRows } from "./handoff/execution-queue-repo.js";
export type {
  ClaimInput,
  EnqueueInput,
  ExecutionQueueRepo,
  ExecutionQueueRepoOptions,
  LeaseRef,
  ListQueueInput,
  QueueAnnouncer,
  QueuedExecutionKey,
} from "./handoff/execution-queue-repo.js";
export type {
  AbortRequest,
  ExecutionRequest,
  ExecutionResponse,
  HandOffOptions,
  PostgresQueueHandOff,
  TaskResources,
  WorkflowExecutor,
} from "./handoff/workflow-executor.js";
export {
  decodeAbortRequest,
  decodeExecutionRequest,
  encodeAbortRequest,
  encodeExecutionRequest,
} from "./handoff/execution-payload-codec.js";
export { createQueuedWorkflowExecutor } from "./handoff/queued-workflow-executor.js";
export type { QueuedWorkflowExecutorOptions } from "./handoff/queued-workflow-executor.js";
export type { QueueNotifier, QueueWaitOptions } from "./handoff/queue-notifier.js";
export { createQueueNotifier } from "./handoff/create-queue-notifier.js";
export { createQueueConsumer } from "./handoff/queue-consumer.js";
export type {
  ClaimedAbort,
  ClaimedExecute,
  ClaimedHandOff,
  QueueConsumer,
  QueueConsumerOptions,
} from "./handoff/queue-consumer.js";
