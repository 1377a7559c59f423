/**
 * `@aloft/admin`: Flyte's control plane (flyteadmin) in TypeScript. One port serves flyteidl's AdminService,
 * SignalService, DataProxyService, AuthMetadataService and IdentityService over gRPC, gRPC-Web, Connect and
 * flyteadmin's REST routes, Aloft's WatchService (an execution's changes pushed live, as a server stream and as
 * Server-Sent Events), plus gRPC health and reflection, `/healthcheck`, `/metrics` and signed blob URLs; data lives
 * in SQLite (default, under `~/.aloft`) or PostgreSQL.
 *
 * ```ts
 * import { createAdminService, loadAdminConfig } from "@aloft/admin";
 *
 * const { config } = await loadAdminConfig({ configPath: process.argv[2] });
 * const admin = await createAdminService({ config });
 * const { url } = await admin.server.listen(); // http://127.0.0.1:30080
 * process.once("SIGTERM", () => void admin.close());
 *
 * // An in-process engine claims the executions admin accepted:
 * const consumer = admin.createQueueConsumer({ owner: `engine-${process.pid}` });
 * const work = await consumer.claim({ limit: 16, leaseMs: 30_000 });
 * ```
 */
export { createAdminService, databaseOptions } from "./create-admin-service.js";
export type {
  AdminListenInfo,
  AdminService,
  AdminServiceServer,
  CreateAdminServiceOptions,
} from "./create-admin-service.js";
export { compileAdminConfig, DEFAULT_ADMIN_PORT, LOG_LEVELS, parseDatabaseUrl } from "./config/admin-config.js";
export type {
  AdminConfig,
  AdminConfigInput,
  CompileAdminConfigOptions,
  DatabaseConfig,
  DomainConfig,
  DurationInput,
  InlineEventDataPolicy,
  LogLevel,
  SeedProject,
  StorageConfig,
  TaskResourceSet,
  WhitelistScope,
} from "./config/admin-config.js";
export { CONFIG_ENV_VARS, loadAdminConfig } from "./config/load-config.js";
export type { LoadAdminConfigOptions, LoadedAdminConfig } from "./config/load-config.js";
export { parseGoDuration } from "./config/go-duration.js";
export type { GoDurationResult } from "./config/go-duration.js";
// The database plumbing and the engine hand-off are `@aloft/db`'s; re-exported for admin's users.
export { createDatabase, createQueueConsumer, createQueuedWorkflowExecutor, migrateToLatest } from "@aloft/db";
export type {
  AbortRequest,
  ClaimedAbort,
  ClaimedExecute,
  ClaimedHandOff,
  CreateDatabaseOptions,
  ExecutionRequest,
  ExecutionResponse,
  HandOffOptions,
  MigrationReport,
  QueueConsumer,
  QueueConsumerOptions,
  QueuedWorkflowExecutorOptions,
  QueueNotifier,
  QueueWaitOptions,
  TaskResources,
  WorkflowExecutor,
} from "@aloft/db";
export type { AdminDatabase } from "./db/admin-database.js";
export { serviceRegistration } from "./rpc/flyte-services.js";
export type { ServiceRegistration } from "./rpc/flyte-services.js";
export { ADMIN_MIGRATIONS, migrateAdminDatabase } from "./db/admin-migrations.js";
export type { Repositories } from "./repositories/create-repositories.js";
export type {
  AdminManagers,
  AttributesManager,
  AuthMetadataManager,
  CallerIdentity,
  DataProxyManager,
  DescriptionEntityManager,
  ExecutionManager,
  IdentityManager,
  LaunchPlanManager,
  ManagerContext,
  MetricsManager,
  NamedEntityManager,
  NodeExecutionManager,
  ProjectManager,
  SignalManager,
  TaskExecutionManager,
  TaskManager,
  VersionManager,
  WorkflowManager,
} from "./managers/interfaces.js";
export type { VersionInfo } from "./managers/version-manager.js";
export { createAdminServer } from "./server/create-admin-server.js";
export type { AdminServer, AdminServerOptions } from "./server/create-admin-server.js";
export type { ListenAddress } from "./server/create-http-server.js";
export { createAdminLogger } from "./server/create-logger.js";
export type { CreateAdminLoggerOptions } from "./server/create-logger.js";
export { AdminMetrics } from "./server/metrics.js";
export type { AdminMetricsOptions, DbQueryObserver, DbQuerySample, RpcSample } from "./server/metrics.js";
export { noAuthentication } from "./server/interceptors.js";
export type { Authenticate, AuthenticateRequest } from "./server/interceptors.js";
export { codeToHttpStatus } from "./server/http-status.js";
export { requestIdFrom } from "./server/request-id.js";
export type { Transport } from "./server/context-keys.js";
export type { RestRoute } from "./server/rest-gateway/rest-routes.js";
// --- Watching executions (Aloft's WatchService) ---
export type { ExecutionChange, ExecutionChangeNotice } from "./watch/execution-change.js";
export { createLocalExecutionChangeFeed } from "./watch/execution-change-feed.js";
export type { ExecutionChangeFeed, ExecutionChangeListener } from "./watch/execution-change-feed.js";
export { createExecutionWatchReader } from "./watch/execution-watch-reader.js";
export type { ExecutionWatchReader, ExecutionWatchReaderDeps } from "./watch/execution-watch-reader.js";
export { watchExecutionEvents } from "./watch/watch-execution-events.js";
export type { ExecutionWatchSource, WatchExecutionEventsOptions } from "./watch/watch-execution-events.js";
