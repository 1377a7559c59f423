/**
 * `@aloft/admin`: Flyte's control plane (flyteadmin) in TypeScript. One port serves flyteidl's AdminService,
 * SignalService, DataProxyService, AuthMetadataService and IdentityService over gRPC, gRPC-Web, Connect and
 * flyteadmin's REST routes, plus gRPC health and reflection, `/healthcheck`, `/metrics` and signed blob URLs.
 *
 * ```ts
 * import { createAdminLogger, createAdminServer, loadAdminConfig } from "@aloft/admin";
 *
 * const { config } = await loadAdminConfig({ configPath: process.argv[2] });
 * const logger = createAdminLogger({ level: config.logger.level });
 * const server = createAdminServer({ config, logger, managers: {} }); // every RPC answers UNIMPLEMENTED
 * const { url } = await server.listen(); // http://127.0.0.1:30080
 * process.once("SIGTERM", () => void server.close());
 * ```
 *
 * Temporary surface of the transport and configuration parts; the composition root (`createAdminService`) joins
 * it with the database, managers and engine hand-off.
 */
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
  StorageConfig,
  TaskResourceSet,
  WhitelistScope,
} from "./config/admin-config.js";
export { CONFIG_ENV_VARS, loadAdminConfig } from "./config/load-config.js";
export type { LoadAdminConfigOptions, LoadedAdminConfig } from "./config/load-config.js";
export { parseGoDuration } from "./config/go-duration.js";
export type { GoDurationResult } from "./config/go-duration.js";
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
