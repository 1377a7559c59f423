/**
 * The whole platform in one process (`aloft start`): admin serving its port, the catalog's DataCatalog on the same
 * port with its tables in admin's database, and the engine draining admin's execution queue and reporting back
 * through admin's managers directly. One database, one blob store, no network hop between the parts.
 */
import { hostname } from "node:os";
import type { AdminConfig, AdminListenInfo, AdminService } from "@aloft/admin";
import type { CatalogClient, CatalogTables } from "@aloft/catalog";
import type { ServiceImpl } from "@connectrpc/connect";
import { sharedDatabase } from "@aloft/db";
import type { Engine, EngineTables, TaskPlugin } from "@aloft/engine";
import { createInProcessControlPlane } from "./in-process-control-plane.js";
import { createDefaultPlugins, DEFAULT_PLUGIN_ID } from "./default-plugins.js";

/** Options of {@link startPlatform}. */
export interface StartPlatformOptions {
  config: AdminConfig;
  logger: AdminService["logger"];
  /** Where admin keeps generated secrets (the blob signing key). */
  secretsDir: string;
  /** Extra plugins, consulted before the defaults (tests add their own task types). */
  plugins?: readonly TaskPlugin[];
  /** The engine's lease owner; stable per host so a restarted `aloft start` takes its workflows back at once. */
  engineOwner?: string;
  /** Where task sandboxes and logs go. */
  workDir: string;
}

/** A running platform. */
export interface Platform {
  readonly admin: AdminService;
  readonly catalog: CatalogClient;
  readonly engine: Engine;
  /** Ids of the task plugins the engine runs with. */
  readonly pluginIds: readonly string[];
  readonly address: AdminListenInfo;
  /** Stops the engine (in-flight rounds finish and are saved), then admin and the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts admin, the catalog and the engine over `config`, listening on `config.server.port`.
 * Whatever was started is stopped again when a later part fails.
 */
export async function startPlatform(options: StartPlatformOptions): Promise<Platform> {
  const [{ createAdminService, serviceRegistration }, { createCatalogService, migrateCatalogDatabase }, engineModule] =
    await Promise.all([import("@aloft/admin"), import("@aloft/catalog"), import("@aloft/engine")]);
  const { DataCatalog } = await import("@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb");

  const stopping = new AbortController();
  let catalog: CatalogClient | undefined;
  let engine: Engine | undefined;
  const admin = await createAdminService({
    config: options.config,
    logger: options.logger,
    secretsDir: options.secretsDir,
    onSignalSet: (executionId) => engine?.wake(executionId),
    extraServices: async ({ database, blobStore }) => {
      await migrateCatalogDatabase(database);
      catalog = createCatalogService({ database: sharedDatabase<CatalogTables>(database), blobStore });
      return [serviceRegistration(DataCatalog, catalog as Partial<ServiceImpl<typeof DataCatalog>>)];
    },
  });
  try {
    if (catalog === undefined) throw new Error("the catalog was not created");
    const owner = options.engineOwner ?? `engine-${hostname()}`;
    const plugins = [...(options.plugins ?? []), ...(await createDefaultPlugins({ workDir: options.workDir }))];
    engine = engineModule.createEngine({
      database: sharedDatabase<EngineTables>(admin.database),
      blobStore: admin.blobStore,
      controlPlane: createInProcessControlPlane(admin.managers, stopping.signal),
      queueConsumer: admin.createQueueConsumer({ owner }),
      plugins,
      // Flyte's pod plugin is the default plugin (flyteplugins k8s/pod/plugin.go, IsDefault): a task type no plugin
      // registers (flytekit's `sqlite`, `container_array`, …) runs its container. The local process stands in for the pod.
      defaultPluginId: DEFAULT_PLUGIN_ID,
      taskCache: engineModule.createCatalogTaskCache(catalog),
      owner,
      logger: options.logger.child({ component: "engine" }),
    });
    const address = await admin.server.listen();
    await engine.start();
    const started = engine;
    let closing: Promise<void> | undefined;
    return {
      admin,
      catalog,
      engine: started,
      pluginIds: [...plugins.map((p) => p.id), "echo"],
      address,
      close() {
        closing ??= (async () => {
          await started.stop();
          stopping.abort();
          await admin.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    stopping.abort();
    await engine?.stop().catch(() => undefined);
    await admin.close();
    throw error;
  }
}
