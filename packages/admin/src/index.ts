/**
 * `@aloft/admin`: Flyte's control plane (flyteadmin) in TypeScript. One port serves flyteidl's AdminService,
 * SignalService, DataProxyService, AuthMetadataService and IdentityService over gRPC, gRPC-Web, Connect and
 * flyteadmin's REST routes, plus gRPC health and reflection, `/healthcheck`, `/metrics` and signed blob URLs;
 * data lives in SQLite (default, under `~/.aloft`) or PostgreSQL.
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
export { createAdminService } from "./create-admin-service.js";
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
export { createDatabase } from "./db/create-database.js";
export type { AdminDatabase, CreateDatabaseOptions } from "./db/create-database.js";
export { migrateToLatest } from "./db/migrate-to-latest.js";
export type { MigrationReport } from "./db/migrate-to-latest.js";
export type { Repositories } from "./repositories/create-repositories.js";
export { createQueueConsumer } from "./executor/queue-consumer.js";
export type {
  ClaimedAbort,
  ClaimedExecute,
  ClaimedHandOff,
  QueueConsumer,
  QueueConsumerOptions,
} from "./executor/queue-consumer.js";
export type { QueueNotifier, QueueWaitOptions } from "./executor/queue-notifier.js";
export { createQueuedWorkflowExecutor } from "./executor/queued-workflow-executor.js";
export type { QueuedWorkflowExecutorOptions } from "./executor/queued-workflow-executor.js";
export type {
  AbortRequest,
  ExecutionRequest,
  ExecutionResponse,
  HandOffOptions,
  TaskResources,
  WorkflowExecutor,
} from "./executor/workflow-executor.js";
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
export type { Transport } from "./server/context-keys.js";
export type { RestRoute } from "./server/rest-gateway/rest-routes.js";
