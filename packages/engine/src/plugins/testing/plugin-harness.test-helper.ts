/**
 * Runs a task plugin without the executor, for plugin tests: a {@link TaskExecutionContext} over a temp-dir
 * `FsBlobStore` with Flyte's data layout (inputs written to `inputs.pb`), the plugin state carried from round
 * to round as the engine persists it (only after `handle` returns), and `wake()` calls counted so a test can
 * wait for the next one instead of polling.
 */
import { create, type JsonValue } from "@bufbuild/protobuf";
import { fromBinary } from "@bufbuild/protobuf";
import { makeTempDir } from "@aloft/test-helpers";
import { ErrorDocumentSchema, type ErrorDocument } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import {
  NodeExecutionIdentifierSchema,
  TaskExecutionIdentifierSchema,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { Resources, TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { SecurityContext } from "@aloft/idl/gen/flyteidl/core/security_pb";
import {
  checkpointPrefix,
  errorPath,
  FsBlobStore,
  generatedName,
  inputsPath,
  metadataRoot,
  nodeDataDir,
  nodeOutputDir,
  outputsPath,
  previousCheckpointPrefix,
  rawOutputPrefix,
  readProto,
  workflowDataDir,
  writeProto,
} from "@aloft/storage";
import { isTerminalPluginPhase, type PhaseInfo, type TaskExecutionContext, type TaskPlugin } from "../task-plugin.js";
import type { ResourceManager } from "../resource-manager.js";
import { createInMemoryResourceManager } from "../resources/in-memory-resource-manager.js";

/** Options of {@link createPluginHarness}. */
export interface PluginHarnessOptions {
  template: TaskTemplate;
  inputs?: LiteralMap;
  /** @default { project: "flytesnacks", domain: "development", name: "abc123" } */
  execution?: { project: string; domain: string; name: string };
  /** @default "n0" */
  nodeId?: string;
  /** @default 0 */
  attempt?: number;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  interruptible?: boolean;
  securityContext?: SecurityContext;
  resourceOverrides?: Resources;
  /** @default `<project>-<domain>` */
  namespace?: string;
  /** @default a fresh in-memory manager without quotas */
  resourceManager?: ResourceManager;
  /** Reuse another harness's store (an engine restart keeps its blobs). */
  shareStoreWith?: PluginHarness;
}

/** A plugin's attempt, driven round by round. */
export interface PluginHarness {
  readonly store: FsBlobStore;
  /** The temp dir holding the store; removed by {@link PluginHarness.cleanup}. */
  readonly root: string;
  readonly resourceManager: ResourceManager;
  /** The state the last round left (what the engine would have persisted). */
  state: JsonValue | undefined;
  /** How many times the plugin called `wake()`. */
  readonly wakes: number;
  /** A context for the next round, carrying the persisted state. */
  context(): TaskExecutionContext;
  /** One round: `handle`, then the state is kept (as the engine persists it with the round). */
  round(plugin: TaskPlugin): Promise<PhaseInfo>;
  /** Rounds until a terminal phase, waiting for a `wake()` between non-terminal ones. */
  runUntilTerminal(plugin: TaskPlugin, options?: { maxRounds?: number }): Promise<PhaseInfo>;
  /** Resolves at the first `wake()` after `afterWakes` wake-ups (default: the count now). */
  nextWake(afterWakes?: number): Promise<void>;
  /** The `outputs.pb` of the attempt, or `undefined`. */
  readOutputs(): Promise<LiteralMap | undefined>;
  /** The `error.pb` of the attempt, or `undefined`. */
  readError(): Promise<ErrorDocument | undefined>;
  /** Aborts the contexts' signal (engine shutdown) and removes the temp dir. */
  cleanup(): Promise<void>;
}

/** Creates a harness; see {@link PluginHarness}. */
export async function createPluginHarness(options: PluginHarnessOptions): Promise<PluginHarness> {
  const shared = options.shareStoreWith;
  const dir = shared === undefined ? await makeTempDir("aloft-plugin-") : undefined;
  const root = shared?.root ?? (dir as { path: string }).path;
  const store = shared?.store ?? new FsBlobStore({ root });
  const execution = options.execution ?? { project: "flytesnacks", domain: "development", name: "abc123" };
  const nodeId = options.nodeId ?? "n0";
  const attempt = options.attempt ?? 0;
  const dataDir = nodeDataDir({
    workflowDataDir: workflowDataDir({
      metadataRoot: metadataRoot({ baseUri: store.baseUri }),
      executionId: execution,
    }),
    nodeId,
  });
  const outputDir = nodeOutputDir({ nodeDataDir: dataDir, attempt });
  const rawRoot = store.join(store.baseUri, "raw");
  const naming = { rawPrefix: rawRoot, executionName: execution.name, uniqueNodeId: nodeId, attempt };
  const raw = rawOutputPrefix(naming);
  const inputs = options.inputs ?? create(LiteralMapSchema, {});
  await writeProto(store, inputsPath(dataDir), LiteralMapSchema, inputs);

  const executionId = create(WorkflowExecutionIdentifierSchema, execution);
  const nodeExecutionId = create(NodeExecutionIdentifierSchema, { nodeId, executionId });
  const taskExecutionId = create(TaskExecutionIdentifierSchema, {
    ...(options.template.id === undefined ? {} : { taskId: options.template.id }),
    nodeExecutionId,
    retryAttempt: attempt,
  });
  const resourceManager = options.resourceManager ?? createInMemoryResourceManager();
  const shutdown = new AbortController();
  let wakes = 0;
  let waiters: Array<{ after: number; resolve: () => void }> = [];
  const wake = () => {
    wakes++;
    const ready = waiters.filter((w) => wakes > w.after);
    waiters = waiters.filter((w) => wakes <= w.after);
    for (const w of ready) w.resolve();
  };

  const harness: PluginHarness = {
    store,
    root,
    resourceManager,
    state: undefined,
    get wakes() {
      return wakes;
    },
    context(): TaskExecutionContext {
      let pending = harness.state;
      const ctx: TaskExecutionContext & { pendingState(): JsonValue | undefined } = {
        taskExecutionId,
        nodeExecutionId,
        workflowExecutionId: executionId,
        generatedName: generatedName({ executionName: execution.name, uniqueNodeId: nodeId, attempt }),
        template: options.template,
        namespace: options.namespace ?? `${execution.project}-${execution.domain}`,
        paths: {
          inputs: inputsPath(dataDir),
          inputPrefix: dataDir,
          outputPrefix: outputDir,
          rawOutputPrefix: raw,
          checkpointPrefix: checkpointPrefix(raw),
          prevCheckpointPrefix: previousCheckpointPrefix(naming),
        },
        interruptible: options.interruptible ?? false,
        ...(options.resourceOverrides === undefined ? {} : { resourceOverrides: options.resourceOverrides }),
        env: options.env ?? {},
        labels: options.labels ?? {},
        annotations: options.annotations ?? {},
        ...(options.securityContext === undefined ? {} : { securityContext: options.securityContext }),
        blobs: store,
        inputs: () => Promise.resolve(inputs),
        state: harness.state,
        setState: (state) => {
          pending = state;
        },
        pendingState: () => pending,
        wake,
        resourceManager,
        signal: shutdown.signal,
      };
      return ctx;
    },
    async round(plugin) {
      const ctx = harness.context() as TaskExecutionContext & { pendingState(): JsonValue | undefined };
      const phase = await plugin.handle(ctx);
      harness.state = ctx.pendingState();
      return phase;
    },
    async runUntilTerminal(plugin, opts = {}) {
      const maxRounds = opts.maxRounds ?? 1000;
      for (let i = 0; i < maxRounds; i++) {
        const seen = wakes;
        const phase = await harness.round(plugin);
        if (isTerminalPluginPhase(phase.phase)) return phase;
        await harness.nextWake(seen);
      }
      throw new Error(`no terminal phase after ${maxRounds} rounds`);
    },
    nextWake(afterWakes = wakes) {
      if (wakes > afterWakes) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ after: afterWakes, resolve }));
    },
    async readOutputs() {
      const uri = outputsPath(outputDir);
      return (await store.exists(uri)) ? readProto(store, uri, LiteralMapSchema) : undefined;
    },
    async readError() {
      const uri = errorPath(outputDir);
      return (await store.exists(uri)) ? fromBinary(ErrorDocumentSchema, await store.get(uri)) : undefined;
    },
    async cleanup() {
      shutdown.abort();
      await dir?.cleanup();
    },
  };
  return harness;
}
