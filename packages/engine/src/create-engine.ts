/**
 * The engine's composition root: `createEngine(options)` wires the store, the plugins, the node handlers,
 * the event recorder and the runner, and returns `{ start, stop, wake, stats }`.
 */
import { hostname } from "node:os";
import { HANDOFF_MIGRATIONS, migrateToLatest, type QueueConsumer, type SqlDatabase } from "@aloft/db";
import { type BlobStore, joinUri, metadataRoot } from "@aloft/storage";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { TaskCache } from "./cache/task-cache.js";
import type { ControlPlane } from "./control-plane/control-plane.js";
import { createEventRecorder, SentEventKeys } from "./events/event-recorder.js";
import type { EngineServices, NodeHandler } from "./nodes/node-handler.js";
import { ChildExecutionWatch } from "./nodes/child-execution-watch.js";
import { defaultNodeHandlers, nodeHandlersByKind } from "./nodes/node-handlers.js";
import { createEchoPlugin, ECHO_TASK_TYPE } from "./plugins/echo-plugin.js";
import { createPluginRegistry } from "./plugins/plugin-registry.js";
import type { ResourceManager } from "./plugins/resource-manager.js";
import { createInMemoryResourceManager } from "./plugins/resources/in-memory-resource-manager.js";
import type { TaskPlugin } from "./plugins/task-plugin.js";
import type { EngineStats } from "./runner/engine-stats.js";
import { type Logger, silentLogger } from "./runner/logger.js";
import { WorkflowRunner } from "./runner/workflow-runner.js";
import { ENGINE_MIGRATIONS } from "./state/engine-migrations.js";
import type { EngineTables } from "./state/engine-schema.js";
import { createWorkflowStore, workflowKeyString } from "./state/workflow-store.js";

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** The database (the same one admin uses when embedded); the engine's and the hand-off's migrations run at start. */
  database: SqlDatabase<EngineTables>;
  blobStore: BlobStore;
  controlPlane: ControlPlane;
  /** Admin's hand-off queue. */
  queueConsumer: QueueConsumer;
  /** Task plugins; the `echo` plugin is always present. */
  plugins: readonly TaskPlugin[];
  taskCache?: TaskCache;
  /** Quotas for plugins. @default an in-memory manager without quotas (plugins register their own) */
  resourceManager?: ResourceManager;
  /** Events' `producer_id`. @default "propeller" */
  clusterId?: string;
  /**
   * Who this engine is; stable per host so a restarted engine reclaims its workflows at once (others'
   * only once their lease ran out). @default `engine-<hostname>`
   */
  owner?: string;
  /** Metadata root below the blob store's base. @default "metadata/propeller" */
  metadataPrefix?: string;
  /** Default raw output prefix (a full URI). @default `<blob store base>/raw` */
  rawOutputPrefix?: string;
  /**
   * Rounds running at once. A round's work is mostly synchronous (SQLite, small file writes), so more
   * rounds at once add latency to each without adding throughput (bench/engine.ts: 8 halves the round
   * latency p99 of 2,000 concurrent workflows against 16). @default 8
   */
  workers?: number;
  /** Rounds run back to back while a workflow makes progress. @default 8 */
  maxStreak?: number;
  /** Workflow lease. @default 30000 */
  leaseMs?: number;
  /** Backstop re-evaluation of idle workflows (progress comes from wake-ups). @default 10000 */
  reevalMs?: number;
  /** First back-off after a round failed with a system error (doubles per failure, at most 10 s). @default 100 */
  roundRetryBackoffMs?: number;
  logger?: Logger;
  /** Clock in epoch ms. @default Date.now */
  now?: () => number;
  /** Node handlers added to (or replacing, by kind) the default ones. */
  nodeHandlers?: readonly NodeHandler[];
  /** Plugin for task types no plugin registers. */
  defaultPluginId?: string;
  /** Task type → plugin id where several plugins claim a type. */
  defaultForTaskTypes?: Readonly<Record<string, string>>;
}

/** A running engine. */
export interface Engine {
  /** Runs migrations, reclaims workflows, starts claiming hand-offs. */
  start(): Promise<void>;
  /** Finishes in-flight rounds, persists them, releases leases. */
  stop(): Promise<void>;
  /** Asks for a round of the execution soon (signal set, child execution changed). */
  wake(executionId: WorkflowExecutionIdentifier | { project: string; domain: string; name: string }): void;
  stats(): EngineStats;
}

/** Creates an engine; nothing runs until `start()`. */
export function createEngine(options: EngineOptions): Engine {
  const now = options.now ?? Date.now;
  const plugins = options.plugins.some((p) => p.taskTypes.includes(ECHO_TASK_TYPE) || p.id === ECHO_TASK_TYPE)
    ? [...options.plugins]
    : [...options.plugins, createEchoPlugin({ now })];
  const registry = createPluginRegistry({
    plugins,
    ...(options.defaultPluginId === undefined ? {} : { defaultPluginId: options.defaultPluginId }),
    ...(options.defaultForTaskTypes === undefined ? {} : { defaultForTaskTypes: options.defaultForTaskTypes }),
  });
  const handlers = nodeHandlersByKind([...defaultNodeHandlers(), ...(options.nodeHandlers ?? [])]);
  const controller = new AbortController();
  const blobs = options.blobStore;
  // Launch-plan nodes waiting on child executions, woken when the runner sees a child end (engine-nodes).
  const childExecutions = new ChildExecutionWatch();
  const services: EngineServices = {
    blobs,
    controlPlane: options.controlPlane,
    plugins: registry,
    taskCache: options.taskCache,
    resourceManager: options.resourceManager ?? createInMemoryResourceManager(),
    clusterId: options.clusterId ?? "propeller",
    metadataRoot: metadataRoot({
      baseUri: blobs.baseUri,
      ...(options.metadataPrefix === undefined ? {} : { metadataPrefix: options.metadataPrefix }),
    }),
    rawOutputPrefix: options.rawOutputPrefix ?? joinUri(blobs.baseUri, "raw"),
    logger: options.logger ?? silentLogger,
    signal: controller.signal,
    handler: (kind) => handlers.get(kind),
    childExecutions,
  };
  const owner = options.owner ?? `engine-${hostname()}`;
  const runner = new WorkflowRunner({
    store: createWorkflowStore({ db: options.database.db, now }),
    queueConsumer: options.queueConsumer,
    services,
    events: createEventRecorder({ admin: options.controlPlane.admin, sentKeys: new SentEventKeys() }),
    handlers: (kind) => handlers.get(kind),
    owner,
    workers: options.workers ?? 8,
    maxStreak: options.maxStreak ?? 8,
    leaseMs: options.leaseMs ?? 30_000,
    reevalMs: options.reevalMs ?? 10_000,
    roundRetryBackoffMs: options.roundRetryBackoffMs ?? 100,
    logger: services.logger,
    now,
    controller,
    onTerminal: (id) => childExecutions.terminated(id),
  });
  childExecutions.onWake((id) => runner.wake(id));
  let started = false;
  return {
    async start() {
      if (started) return;
      started = true;
      await migrateToLatest(options.database, HANDOFF_MIGRATIONS);
      await migrateToLatest(options.database, ENGINE_MIGRATIONS);
      await runner.start();
    },
    async stop() {
      await runner.stop();
      await Promise.allSettled(plugins.map((plugin) => plugin.close?.()));
    },
    wake(executionId) {
      runner.wake(workflowKeyString(executionId));
    },
    stats: () => runner.stats(),
  };
}
