/**
 * The composition root: the one place that turns an {@link AdminConfig} into a running admin. It opens the
 * database and migrates it, seeds the configured projects, builds the blob store, the repositories, the engine
 * hand-off, the feed of execution changes watchers follow, every manager (each given only what it reads) and the
 * server.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  type CreateDatabaseOptions,
  createDatabase,
  createQueueConsumer,
  createQueuedWorkflowExecutor,
  createQueueNotifier,
  type QueueConsumer,
  type QueueNotifier,
  type WorkflowExecutor,
} from "@aloft/db";
import type { BlobStore } from "@aloft/storage";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Logger } from "pino";
import type { AdminConfig } from "./config/admin-config.js";
import type { AdminDatabase } from "./db/admin-database.js";
import { migrateAdminDatabase } from "./db/admin-migrations.js";
import type { Database } from "./db/schema.js";
import { createAttributesManager } from "./managers/attributes-manager.js";
import { createAuthMetadataManager } from "./managers/auth-metadata-manager.js";
import { createDataProxyManager } from "./managers/data-proxy-manager.js";
import { createDescriptionEntityManager } from "./managers/description-entity-manager.js";
import { createExecutionManager, type ExecutionManagerDeps } from "./managers/execution/execution-manager.js";
import { createIdentityManager } from "./managers/identity-manager.js";
import type { AdminManagers, SignalManager } from "./managers/interfaces.js";
import { createLaunchPlanManager } from "./managers/launch-plan-manager.js";
import { createMetricsManager } from "./managers/metrics-manager.js";
import { createNamedEntityManager } from "./managers/named-entity-manager.js";
import { createNodeExecutionManager } from "./managers/node-execution-manager.js";
import { createProjectManager } from "./managers/project-manager.js";
import { createSignalManager } from "./managers/signal-manager.js";
import { createTaskExecutionManager } from "./managers/task-execution-manager.js";
import { createTaskManager } from "./managers/task-manager.js";
import { createVersionManager, type VersionInfo } from "./managers/version-manager.js";
import { createWorkflowManager } from "./managers/workflow-manager.js";
import { createRepositories, type Repositories } from "./repositories/create-repositories.js";
import { createAdminServer, type AdminServer } from "./server/create-admin-server.js";
import type { ListenAddress } from "./server/create-http-server.js";
import { createAdminLogger } from "./server/create-logger.js";
import type { AdminMetrics } from "./server/metrics.js";
import type { ServiceRegistration } from "./rpc/flyte-services.js";
import { BLOB_PATH_PREFIX, createConfiguredBlobStore } from "./startup/create-configured-blob-store.js";
import { createSharedRowCaches } from "./startup/create-shared-row-caches.js";
import { seedProjects } from "./startup/seed-projects.js";
import { createExecutionChangeFeed } from "./watch/create-execution-change-feed.js";
import type { ExecutionChangeFeed } from "./watch/execution-change-feed.js";
import { createExecutionWatchReader } from "./watch/execution-watch-reader.js";
import { withChangePublishing } from "./watch/publishing-managers.js";

/** Options of {@link createAdminService}. */
export interface CreateAdminServiceOptions {
  config: AdminConfig;
  /** @default a pino logger at `config.logger.level` writing to stdout */
  logger?: Logger;
  /**
   * The engine hand-off. @default the embedded one: a queue in admin's own database, drained by the
   * {@link AdminService.createQueueConsumer} consumers
   */
  executor?: WorkflowExecutor;
  /** The clock for `created_at` fields and URL expiries. @default () => new Date() */
  clock?: () => Date;
  /** @default a new AdminMetrics with process metrics */
  metrics?: AdminMetrics;
  /** Where a generated blob signing secret is kept (`blob-signing-key`). @default ~/.aloft/secrets */
  secretsDir?: string;
  /** What `GetVersion` reports. @default this package's version */
  version?: VersionInfo;
  /**
   * Called after a signal was set, so an in-process engine can re-evaluate the gate node waiting on it at once
   * instead of at its next periodic check.
   */
  onSignalSet?: (executionId: WorkflowExecutionIdentifier) => void;
  /**
   * More gRPC services served on admin's port, built once admin's database and blob store are open (`aloft start`
   * adds the catalog's DataCatalog, whose tables live in the same database).
   */
  extraServices?: (resources: {
    database: AdminDatabase;
    blobStore: BlobStore;
  }) => Promise<readonly ServiceRegistration[]> | readonly ServiceRegistration[];
}

/** Where a started admin listens. */
export interface AdminListenInfo extends ListenAddress {
  /** The base URL of the bound address, e.g. `http://127.0.0.1:30080`. */
  url: string;
  /** The URL clients are told about (signed blob URLs point below it). */
  publicUrl: string;
}

/** The admin transport of a service: start and stop listening. */
export interface AdminServiceServer {
  /**
   * Listens on `config.server.host`/`port`. When the configured public URL names port 0, it becomes the bound
   * address, so signed blob URLs point at the real port.
   */
  listen(): Promise<AdminListenInfo>;
  /** Graceful close of the transport only (see {@link AdminServer.close}); the database stays open. */
  close(): Promise<void>;
  /** The underlying transport (handler, metrics, REST routes). */
  readonly transport: AdminServer;
}

/** A composed admin: everything the server runs on, for the CLI, the engine hand-off and tests. */
export interface AdminService {
  readonly config: AdminConfig;
  readonly logger: Logger;
  readonly server: AdminServiceServer;
  readonly database: AdminDatabase;
  readonly repositories: Repositories;
  readonly blobStore: BlobStore;
  readonly managers: AdminManagers;
  /** The engine hand-off executions go through. */
  readonly executor: WorkflowExecutor;
  /**
   * Changes of executions, node and task executions, published by {@link managers} once committed (and, on
   * PostgreSQL, by every other admin process on the same database); the WatchService follows it.
   */
  readonly executionChanges: ExecutionChangeFeed;
  /** Projects the start created from `config.seedProjects` (those that already existed are not listed). */
  readonly seededProjects: readonly string[];
  /**
   * A consumer of the embedded execution queue, for an in-process engine (`aloft start`). `owner` must be unique
   * per consumer. Only meaningful with the default executor.
   */
  createQueueConsumer(options: { owner: string }): QueueConsumer;
  /** Closes the server (gracefully), then the queue notifier, the blob store and the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds an admin from `options.config`. Nothing listens until `service.server.listen()`.
 *
 * @throws AloftError InvalidArgument for an unusable database URL, Unavailable when PostgreSQL cannot be
 *   reached, Internal when a migration fails; whatever was opened is closed again first.
 */
export async function createAdminService(options: CreateAdminServiceOptions): Promise<AdminService> {
  const { config } = options;
  const logger = options.logger ?? createAdminLogger({ level: config.logger.level });
  const now = options.clock ?? (() => new Date());
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, "error while closing admin");
      }
    }
  };

  try {
    const database = await openDatabase(config);
    closers.push(() => database.close());
    const migration = await migrateAdminDatabase(database);
    if (migration.applied.length > 0) logger.info({ migrations: migration.applied }, "database migrated");
    const notifier: QueueNotifier = await createQueueNotifier(database);
    closers.push(() => notifier.close());
    const executionChanges = await createExecutionChangeFeed(database, {
      logger: logger.child({ component: "watch" }),
    });
    closers.push(() => executionChanges.close());

    const rowCaches = await createSharedRowCaches(database);
    closers.push(() => rowCaches.close());
    const repositories = createRepositories({
      db: database.db,
      capabilities: database.capabilities,
      announceQueue: notifier.announce,
      caches: rowCaches.caches,
    });
    const seededProjects = await seedProjects(repositories, config.seedProjects);
    if (seededProjects.length > 0) logger.info({ projects: seededProjects }, "seeded projects");

    const blobs = await createConfiguredBlobStore({
      storage: config.storage,
      publicUrl: config.server.publicUrl,
      secretsDir: options.secretsDir ?? join(homedir(), ".aloft", "secrets"),
    });
    closers.push(() => blobs.store.close());

    const executor =
      options.executor ??
      createQueuedWorkflowExecutor({
        db: database.db,
        capabilities: database.capabilities,
        announce: notifier.announce,
      });
    // On PostgreSQL a creation's NOTIFY to other admin processes goes in the launch's own statement.
    const noticeFor = executionChanges.noticeFor;
    const managers = withChangePublishing(
      createManagers({
        config,
        repositories,
        blobStore: blobs.store,
        executor,
        now,
        version: options.version ?? { version: packageVersion() },
        ...(options.onSignalSet === undefined ? {} : { onSignalSet: options.onSignalSet }),
        ...(noticeFor === undefined
          ? {}
          : { creationNotice: (executionId) => noticeFor({ kind: "execution", executionId }) }),
      }),
      executionChanges,
      { creationsRelayed: noticeFor !== undefined },
    );
    const extraServices = await options.extraServices?.({ database, blobStore: blobs.store });
    const transport = createAdminServer({
      config,
      managers,
      logger,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...(blobs.fsStore === undefined ? {} : { blobStore: blobs.fsStore, blobPathPrefix: BLOB_PATH_PREFIX }),
      ...(extraServices === undefined ? {} : { extraServices }),
      watch: {
        source: {
          feed: executionChanges,
          reader: createExecutionWatchReader({
            repos: repositories,
            namespaceTemplate: config.namespaceMapping.template,
          }),
        },
      },
    });

    let listening = false;
    const server: AdminServiceServer = {
      transport,
      async listen() {
        const address = await transport.listen();
        listening = true;
        const publicUrl = boundPublicUrl(config.server.publicUrl, address);
        blobs.setPublicUrl(publicUrl);
        return { ...address, publicUrl };
      },
      async close() {
        if (!listening) return;
        listening = false;
        await transport.close();
      },
    };
    closers.push(() => server.close());

    let closing: Promise<void> | undefined;
    return {
      config,
      logger,
      server,
      database,
      repositories,
      blobStore: blobs.store,
      managers,
      executor,
      executionChanges,
      seededProjects,
      createQueueConsumer: ({ owner }) => createQueueConsumer({ queue: repositories.executionQueue, notifier, owner }),
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** What {@link createManagers} wires. */
interface ManagerWiring {
  config: AdminConfig;
  repositories: Repositories;
  blobStore: BlobStore;
  executor: WorkflowExecutor;
  now: () => Date;
  version: VersionInfo;
  onSignalSet?: (executionId: WorkflowExecutionIdentifier) => void;
  creationNotice?: ExecutionManagerDeps["creationNotice"];
}

/** Every manager, each given only the repositories and settings it reads. */
function createManagers(wiring: ManagerWiring): AdminManagers {
  const { config, repositories: repos, blobStore, executor, now } = wiring;
  const { domains, application, remoteData, registration } = config;
  const tasks = createTaskManager({
    repos,
    domains,
    taskResources: config.taskResources,
    taskTypeWhitelist: config.taskTypeWhitelist,
    now,
  });
  const workflows = createWorkflowManager({
    repos,
    blobStore,
    domains,
    metadataStoragePrefix: application.metadataStoragePrefix,
    registration,
    now,
  });
  const executions = createExecutionManager({
    repos,
    blobStore,
    executor,
    workflows,
    domains,
    application,
    registration,
    taskResources: config.taskResources,
    namespaceTemplate: config.namespaceMapping.template,
    remoteData,
    now,
    ...(wiring.creationNotice === undefined ? {} : { creationNotice: wiring.creationNotice }),
  });
  const nodeExecutions = createNodeExecutionManager({
    repos,
    blobStore,
    metadataStoragePrefix: application.metadataStoragePrefix,
    remoteData,
  });
  const taskExecutions = createTaskExecutionManager({ repos, blobStore, remoteData });
  return {
    projects: createProjectManager({ projects: repos.projects, domains }),
    tasks,
    workflows,
    launchPlans: createLaunchPlanManager({
      repos,
      domains,
      enableArtifacts: application.featureGates.enableArtifacts,
    }),
    executions,
    nodeExecutions,
    taskExecutions,
    attributes: createAttributesManager({ repos, domains, application }),
    namedEntities: createNamedEntityManager({ repos }),
    descriptionEntities: createDescriptionEntityManager({ repos }),
    metrics: createMetricsManager({ workflows, executions, nodeExecutions, taskExecutions }),
    version: createVersionManager(wiring.version),
    signals: notifyingSignalSets(createSignalManager({ repos }), wiring.onSignalSet),
    dataProxy: createDataProxyManager({
      blobStore,
      dataProxy: config.server.dataProxy,
      nodeExecutions,
      taskExecutions,
      nowMs: () => now().getTime(),
    }),
    authMetadata: createAuthMetadataManager(),
    identity: createIdentityManager(),
  };
}

function notifyingSignalSets(
  signals: SignalManager,
  onSignalSet: ((executionId: WorkflowExecutionIdentifier) => void) | undefined,
): SignalManager {
  if (onSignalSet === undefined) return signals;
  return {
    ...signals,
    async setSignal(request, context) {
      const response = await signals.setSignal(request, context);
      const executionId = request.id?.executionId;
      if (executionId !== undefined) onSignalSet(executionId);
      return response;
    },
  };
}

function openDatabase(config: AdminConfig): Promise<AdminDatabase> {
  return createDatabase<Database>(databaseOptions(config.database));
}

/** How `createDatabase` opens the configured database; the other components of a deployment open it the same way. */
export function databaseOptions(database: AdminConfig["database"]): CreateDatabaseOptions {
  if (database.kind === "sqlite") {
    return { url: database.path === ":memory:" ? "sqlite::memory:" : `sqlite://${encodeURI(database.path)}` };
  }
  return { url: database.url, schema: database.schema };
}

/** The configured public URL, with a port of 0 (nothing chosen yet) replaced by the bound address. */
function boundPublicUrl(configured: string, address: ListenAddress & { url: string }): string {
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return configured;
  }
  if (url.port !== "0") return configured.replace(/\/+$/, "");
  const bound = new URL(address.url);
  if (!["0.0.0.0", "[::]"].includes(bound.hostname)) url.hostname = bound.hostname;
  url.port = bound.port;
  return url.toString().replace(/\/+$/, "");
}

let cachedVersion: string | undefined;

/** This package's version (the file sits one level above both `src/` and `dist/`). */
function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
        version?: unknown;
      };
      cachedVersion = typeof manifest.version === "string" ? manifest.version : "unknown";
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
