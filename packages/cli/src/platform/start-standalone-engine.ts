/**
 * The engine as its own process (`aloft serve engine`), as propeller runs beside flyteadmin: it claims executions
 * from the hand-off queue in admin's database, keeps its own state in that database, reports every event to admin
 * over gRPC (AdminService, SignalService), and memoizes through a DataCatalog over gRPC or, without one, the
 * catalog's tables in the same database.
 *
 * Wake-ups: on PostgreSQL the queue is announced with LISTEN/NOTIFY; on SQLite a watch on the database's
 * write-ahead log wakes the queue consumer (see sqlite-file-queue-notifier.ts). A signal set in admin cannot wake a
 * waiting gate node in this process (admin's `onSignalSet` hook only reaches an engine in admin's own process):
 * the engine's backstop re-evaluation (`reevalMs`, 10 s) picks the signal up.
 */
import { hostname } from "node:os";
import type { AdminConfig, AdminService } from "@aloft/admin";
import type { CatalogClient, CatalogTables } from "@aloft/catalog";
import type { HandoffTables, QueueNotifier, SqlDatabase } from "@aloft/db";
import type { Engine, EngineTables, TaskPlugin } from "@aloft/engine";
import type { BlobStore } from "@aloft/storage";
import { createDefaultPlugins, DEFAULT_PLUGIN_ID } from "./default-plugins.js";
import { openPlatformBlobStore, openPlatformDatabase } from "./platform-resources.js";
import { createRemoteControlPlane } from "./remote-control-plane.js";
import { createSqliteFileQueueNotifier } from "./sqlite-file-queue-notifier.js";

/** Options of {@link startStandaloneEngine}. */
export interface StartStandaloneEngineOptions {
  /** Admin's configuration: the database and the blob store are admin's. */
  config: AdminConfig;
  /** Admin's gRPC URL, e.g. `http://localhost:30080`. */
  adminUrl: string;
  /** A DataCatalog's gRPC URL; undefined runs the catalog in this process over the shared database. */
  catalogUrl?: string;
  logger: AdminService["logger"];
  /** Where task sandboxes and logs go. */
  workDir: string;
  /** Extra plugins, consulted before the defaults. */
  plugins?: readonly TaskPlugin[];
  /** The engine's lease owner. @default `engine-<hostname>-standalone` */
  owner?: string;
  /** Backstop re-evaluation of idle workflows, which is how signals set in admin arrive. @default the engine's (10 s) */
  reevalMs?: number;
}

/** A running standalone engine. */
export interface StandaloneEngine {
  readonly engine: Engine;
  /** Ids of the task plugins it runs with. */
  readonly pluginIds: readonly string[];
  /** `in this process` or the DataCatalog's URL. */
  readonly catalog: string;
  /** Stops the engine (in-flight rounds finish and are saved), then closes its connections. Idempotent. */
  close(): Promise<void>;
}

type EngineDatabase = EngineTables & HandoffTables & CatalogTables;

/**
 * Starts the engine. Whatever was opened is closed again when a later step fails.
 *
 * @throws AloftError from opening the database or the blob store, or from the engine's migrations.
 */
export async function startStandaloneEngine(options: StartStandaloneEngineOptions): Promise<StandaloneEngine> {
  const [engineModule, catalogModule, dbModule] = await Promise.all([
    import("@aloft/engine"),
    import("@aloft/catalog"),
    import("@aloft/db"),
  ]);
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        options.logger.warn({ err: error }, "error while stopping the engine");
      }
    }
  };
  try {
    const database: SqlDatabase<EngineDatabase> = await openPlatformDatabase<EngineDatabase>(options.config.database);
    closers.push(() => database.close());
    const blobStore: BlobStore = await openPlatformBlobStore(options.config.storage);
    closers.push(() => blobStore.close());
    const local = await dbModule.createQueueNotifier(database);
    const notifier: QueueNotifier =
      options.config.database.kind === "sqlite"
        ? createSqliteFileQueueNotifier({
            local,
            path: options.config.database.path,
            onWatchError: (error) =>
              options.logger.warn({ err: error }, "cannot watch the database file; new executions wait for a restart"),
          })
        : local;
    closers.push(() => notifier.close());

    let catalog: CatalogClient;
    let catalogName: string;
    if (options.catalogUrl === undefined) {
      await catalogModule.migrateCatalogDatabase(database);
      catalog = catalogModule.createCatalogService({ database, blobStore });
      catalogName = "in this process (the shared database)";
    } else {
      const remote = catalogModule.createRemoteCatalogClient(options.catalogUrl);
      closers.push(() => remote.close());
      catalog = remote;
      catalogName = options.catalogUrl;
    }

    const owner = options.owner ?? `engine-${hostname()}-standalone`;
    const plugins = [...(options.plugins ?? []), ...(await createDefaultPlugins({ workDir: options.workDir }))];
    const queue = dbModule.createExecutionQueueRepo({
      db: database.db,
      capabilities: database.capabilities,
      announce: notifier.announce,
    });
    const controlPlane = createRemoteControlPlane(options.adminUrl);
    closers.push(() => controlPlane.close());
    const engine = engineModule.createEngine({
      database,
      blobStore,
      controlPlane,
      queueConsumer: dbModule.createQueueConsumer({ queue, notifier, owner }),
      plugins,
      // As in `aloft start`: task types no plugin claims run their container as a local process (Flyte's default
      // plugin is its pod plugin).
      defaultPluginId: DEFAULT_PLUGIN_ID,
      taskCache: engineModule.createCatalogTaskCache(catalog),
      owner,
      logger: options.logger.child({ component: "engine" }),
      ...(options.reevalMs === undefined ? {} : { reevalMs: options.reevalMs }),
    });
    await engine.start();
    closers.push(() => engine.stop());

    let closing: Promise<void> | undefined;
    return {
      engine,
      pluginIds: [...plugins.map((plugin) => plugin.id), "echo"],
      catalog: catalogName,
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
