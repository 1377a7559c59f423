/**
 * The world one array item (sub-node `n<i>`) sees, as propeller's array node builds it
 * (nodes/array/handler.go `buildArrayNodeContext`, execution_context.go, node_execution_context.go):
 * - its inputs are element `i` of each mapped list, held in memory (`inputs()`), while the input *path* a
 *   plugin gets is the array node's own `inputs.pb` (flytekit's map task reads the whole lists and picks
 *   its element with `FLYTE_K8S_ARRAY_INDEX`);
 * - its output dir is `<arrayOutputDir>/<i>/<attempt>`;
 * - the task it runs has list outputs de-listed to their element types;
 * - `FLYTE_K8S_ARRAY_INDEX=<i>` and `BATCH_JOB_ARRAY_INDEX_VAR_NAME=FLYTE_K8S_ARRAY_INDEX` are added to the
 *   execution's environment and max parallelism is 0 (the array node governs its items' concurrency);
 * - its events go to a collector: the array node reports them as one task event (§3.8).
 */
import { create } from "@bufbuild/protobuf";
import { EnvsSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { WorkflowExecutionConfigSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { KeyValuePairSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type {
  NodeExecutionEvent,
  TaskExecutionEvent,
  WorkflowExecutionEvent,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { ExecutionRequest } from "@aloft/db";
import { arraySubNodeId, type BlobStore, outputsPath, uniqueNodeId } from "@aloft/storage";
import type { ClosureIndex } from "../executor/closure-index.js";
import type { DagGraph } from "../executor/dag-graph.js";
import type { EventRecorder } from "../events/event-recorder.js";
import { ItemBlobStore } from "./array-item-outputs.js";
import { MAX_SYSTEM_FAILURES } from "../semantics/retry-budget.js";
import type { NodeStatus, NodeStatusMap, TaskNodeStatus } from "../state/workflow-status.js";
import type { DagScope, DagStatus, ExecutionContext, NodeContext, NodeStateAccess } from "./node-handler.js";

/** propeller's `FlyteK8sArrayIndexVarName`. */
export const FLYTE_K8S_ARRAY_INDEX = "FLYTE_K8S_ARRAY_INDEX";
/** propeller's `JobIndexVarName`. */
export const BATCH_JOB_ARRAY_INDEX_VAR_NAME = "BATCH_JOB_ARRAY_INDEX_VAR_NAME";

/** Events of one item in one round, kept for the array node's aggregated task event. */
export class ItemEventCollector implements EventRecorder {
  readonly taskEvents: TaskExecutionEvent[] = [];
  readonly nodeEvents: NodeExecutionEvent[] = [];

  recordTaskEvent(event: TaskExecutionEvent): Promise<void> {
    this.taskEvents.push(event);
    return Promise.resolve();
  }

  recordNodeEvent(event: NodeExecutionEvent): Promise<void> {
    this.nodeEvents.push(event);
    return Promise.resolve();
  }

  recordWorkflowEvent(_event: WorkflowExecutionEvent): Promise<void> {
    return Promise.reject(new Error("array items do not send workflow events"));
  }
}

/** What every item of one array node shares in one round. */
export interface ArrayItemsEnvironment {
  /** The array node's context. */
  readonly array: NodeContext;
  /** The sub-node spec (`arrayNode.node`). */
  readonly subNode: Node;
  /** The closure items see (the sub-node's task de-listed). */
  readonly closure: ClosureIndex;
  /** The array node's inputs. */
  readonly inputs: LiteralMap;
  /** Element `index` of the inputs. */
  elementInputs(index: number): LiteralMap;
  /** `<base>/<index>/<attempt>` (propeller's `constructOutputReferences`). */
  itemDir(base: string, index: number, attempt: number): string;
  /** Called with the bytes of an item's `outputs.pb` when it is written through the item's blob store. */
  recordOutputs(itemOutputsUri: string, bytes: Uint8Array): void;
  /** Outputs written from memory are only remembered, not written ({@link ItemBlobStore}). */
  readonly keepOutputsInMemory: boolean;
}

const EMPTY_GRAPH: DagGraph = { node: () => undefined, upstream: () => [], downstream: () => [] };

/** The {@link NodeContext} of item `index`, over a status rebuilt from the packed arrays. */
export class ArrayItemContext implements NodeContext {
  readonly node: Node;
  readonly nodeId: string;
  readonly uniqueId: string;
  readonly attempt: number;
  readonly dataDir: string;
  readonly outputDir: string;
  readonly inputsPath: string;
  readonly outputsPath: string;
  readonly execution: ExecutionContext;
  readonly scope: DagScope;
  readonly state: NodeStateAccess;
  readonly interruptible: boolean;
  readonly events = new ItemEventCollector();
  /** The task sub-state written this round (applied by the item runner). */
  pendingTask: TaskNodeStatus | undefined;
  readonly #env: ArrayItemsEnvironment;
  #inputs: LiteralMap | undefined;

  constructor(
    env: ArrayItemsEnvironment,
    readonly index: number,
    readonly status: NodeStatus,
  ) {
    this.#env = env;
    const array = env.array;
    this.nodeId = arraySubNodeId(index);
    this.node = { ...env.subNode, id: this.nodeId, inputs: [], metadata: itemMetadata(env.subNode, this.nodeId) };
    const parent = {
      uniqueId: array.uniqueId,
      attempt: array.attempt,
      inDynamicChain: array.scope.parent?.inDynamicChain ?? false,
    };
    this.uniqueId = uniqueNodeId({ nodeId: this.nodeId, parent });
    this.attempt = status.attempts ?? 0;
    // The plugin's input path and prefix are the array node's (propeller wraps the array node's input reader).
    this.dataDir = array.dataDir;
    this.inputsPath = array.inputsPath;
    this.outputDir = env.itemDir(array.outputDir, index, this.attempt);
    this.outputsPath = outputsPath(this.outputDir);
    const itemDataDir = (): string => env.itemDir(array.dataDir, index, this.attempt);
    this.scope = {
      graph: EMPTY_GRAPH,
      statuses: {},
      dataDirOf: itemDataDir,
      parent,
      failFast: true,
    };
    const outputs = this.outputsPath;
    const blobs = new ItemBlobStore(
      array.execution.services.blobs,
      outputs,
      (bytes) => env.recordOutputs(outputs, bytes),
      env.keepOutputsInMemory,
    );
    this.execution = itemExecution(array.execution, env.closure, index, this.events, blobs);
    this.interruptible = itemInterruptible(array, env.subNode, status);
    this.state = itemStateAccess(this);
  }

  inputs(): Promise<LiteralMap> {
    this.#inputs ??= this.#env.elementInputs(this.index);
    return Promise.resolve(this.#inputs);
  }

  executeDag(): Promise<DagStatus> {
    return Promise.reject(new Error("array sub-nodes run task nodes only"));
  }

  abortDag(): Promise<void> {
    return Promise.resolve();
  }

  finalizeDag(): Promise<void> {
    return Promise.resolve();
  }

  subNodeStatuses(): NodeStatusMap {
    return {};
  }

  markDirty(): void {
    // Item statuses are synthetic; the array node persists them through its own sub-state.
  }
}

function itemMetadata(subNode: Node, nodeId: string): Node["metadata"] {
  const metadata = subNode.metadata;
  return metadata === undefined ? undefined : { ...metadata, name: nodeId };
}

function itemStateAccess(item: ArrayItemContext): NodeStateAccess {
  const unsupported = (): never => {
    throw new Error("array sub-nodes keep task state only");
  };
  return {
    task: () => item.pendingTask ?? item.status.task,
    putTask: (state) => {
      item.pendingTask = state;
    },
    branch: () => undefined,
    putBranch: unsupported,
    workflow: () => undefined,
    putWorkflow: unsupported,
    gate: () => undefined,
    putGate: unsupported,
    dynamic: () => undefined,
    putDynamic: unsupported,
    array: () => undefined,
    putArray: unsupported,
  };
}

/** The execution as item `index` sees it (propeller's `newArrayExecutionContext`). */
function itemExecution(
  x: ExecutionContext,
  closure: ClosureIndex,
  index: number,
  events: EventRecorder,
  blobs: BlobStore,
): ExecutionContext {
  let count = 0;
  let request: ExecutionRequest | undefined;
  return {
    executionId: x.executionId,
    // Built on first use: most rounds of most items never look at it.
    get request() {
      return (request ??= itemRequest(x.request, index));
    },
    closure,
    dataDir: x.dataDir,
    rawOutputPrefix: x.rawOutputPrefix,
    eventVersion: x.eventVersion,
    services: { ...x.services, blobs },
    events,
    now: () => x.now(),
    wakeAt: (ms) => x.wakeAt(ms),
    wake: () => x.wake(),
    parallelism: { max: 0, current: () => count, increment: () => ++count },
  };
}

function itemRequest(request: ExecutionRequest, index: number): ExecutionRequest {
  const config = request.executionConfig ?? create(WorkflowExecutionConfigSchema);
  const base = config.envs?.values ?? [];
  const values = [
    ...base,
    create(KeyValuePairSchema, { key: BATCH_JOB_ARRAY_INDEX_VAR_NAME, value: FLYTE_K8S_ARRAY_INDEX }),
    create(KeyValuePairSchema, { key: FLYTE_K8S_ARRAY_INDEX, value: String(index) }),
  ];
  return {
    ...request,
    executionConfig: { ...config, maxParallelism: 0, envs: create(EnvsSchema, { values }) },
  };
}

/** §4.3 for the item: the sub-node's setting, else the array node's; on-demand for its last system retry. */
function itemInterruptible(array: NodeContext, subNode: Node, status: NodeStatus): boolean {
  const fromNode = subNode.metadata?.interruptibleValue;
  const interruptible = fromNode?.case === "interruptible" ? fromNode.value : array.interruptible;
  return interruptible && (status.systemFailures ?? 0) < MAX_SYSTEM_FAILURES;
}
