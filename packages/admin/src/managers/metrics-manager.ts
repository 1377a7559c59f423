/**
 * The {@link MetricsManager} (flyteadmin `metrics_manager.go`): GetExecutionMetrics breaks an execution into a
 * tree of `core.Span`s — the workflow, its nodes and task attempts, and the overhead between them, named by
 * category (WORKFLOW_SETUP, NODE_SETUP, TASK_RUNTIME, NODE_TEARDOWN …) — for the console's timeline.
 */
import { create } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { ObjectGetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  type Execution,
  WorkflowExecutionGetMetricsResponseSchema,
  WorkflowExecutionGetRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import {
  type NodeExecution,
  NodeExecutionGetDataRequestSchema,
  NodeExecutionListRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { type TaskExecution, TaskExecutionListRequestSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import type { BranchNode, Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { CompiledWorkflowClosure, ConnectionSet_IdList } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type {
  Identifier,
  NodeExecutionIdentifier,
  WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type Span, SpanSchema } from "@aloft/idl/gen/flyteidl/core/metrics_pb";
import type {
  ExecutionManager,
  ManagerContext,
  MetricsManager,
  NodeExecutionManager,
  TaskExecutionManager,
  WorkflowManager,
} from "./interfaces.js";

/** Page size of the list calls the span builder makes (flyteadmin's `RequestLimit`). */
const REQUEST_LIMIT = 50;
const START_NODE = "start-node";
const END_NODE = "end-node";

/** What {@link createMetricsManager} reads: the other managers, as flyteadmin's MetricsManager does. */
export interface MetricsManagerDeps {
  workflows: Pick<WorkflowManager, "getWorkflow">;
  executions: Pick<ExecutionManager, "getExecution">;
  nodeExecutions: Pick<NodeExecutionManager, "listNodeExecutions" | "getNodeExecutionData">;
  taskExecutions: Pick<TaskExecutionManager, "listTaskExecutions">;
}

/** Builds the {@link MetricsManager}. */
export function createMetricsManager(deps: MetricsManagerDeps): MetricsManager {
  return {
    async getExecutionMetrics(request, context) {
      const execution = await deps.executions.getExecution(
        create(WorkflowExecutionGetRequestSchema, { id: request.id }),
        context,
      );
      const span = await new SpanBuilder(deps, context).execution(execution, request.depth);
      return create(WorkflowExecutionGetMetricsResponseSchema, { span });
    },
  };
}

/** One GetExecutionMetrics call's walk over the execution tree. */
class SpanBuilder {
  constructor(
    private readonly deps: MetricsManagerDeps,
    private readonly context: ManagerContext,
  ) {}

  async execution(execution: Execution, depth: number): Promise<Span> {
    const spans: Span[] = [];
    const closure = execution.closure;
    if (depth !== 0) {
      const workflow = await this.deps.workflows.getWorkflow(
        create(ObjectGetRequestSchema, { id: closure?.workflowId }),
        this.context,
      );
      const nodes = await this.nodeExecutions(execution.id, "");
      const startNode = nodes.get(START_NODE);
      if (isUnset(startNode?.closure?.updatedAt)) {
        spans.push(operation(closure?.createdAt, closure?.updatedAt, "WORKFLOW_SETUP"));
      } else {
        spans.push(operation(closure?.createdAt, startNode?.closure?.updatedAt, "WORKFLOW_SETUP"));
        const compiled = workflow.closure?.compiledWorkflow;
        await this.nodeSpans(nodes, compiled, spans, depth - 1);
        const last = latestUpstream(END_NODE, compiled?.primary?.connections?.upstream, nodes);
        if (last !== undefined && !before(closure?.updatedAt, last.closure?.updatedAt)) {
          spans.push(operation(last.closure?.updatedAt, closure?.updatedAt, "WORKFLOW_TEARDOWN"));
        }
      }
    }
    return create(SpanSchema, {
      startTime: closure?.createdAt,
      endTime: closure?.updatedAt,
      id: { case: "workflowId", value: execution.id! },
      spans,
    });
  }

  private async node(nodeExecution: NodeExecution, node: Node, depth: number): Promise<Span> {
    const spans: Span[] = [];
    if (depth !== 0) {
      const target = node.target;
      switch (target.case) {
        case "branchNode":
          await this.branch(nodeExecution, target.value, spans, depth - 1);
          break;
        case "gateNode":
          gateSpans(nodeExecution, spans);
          break;
        case "taskNode":
          if (nodeExecution.metadata?.isParentNode) await this.dynamic(nodeExecution, spans, depth - 1);
          else await this.taskNode(nodeExecution, spans, depth - 1);
          break;
        case "workflowNode": {
          const reference = target.value.reference;
          if (reference.case === "launchplanRef") await this.launchPlanNode(nodeExecution, spans, depth - 1);
          else if (reference.case === "subWorkflowRef")
            await this.subWorkflow(nodeExecution, reference.value, spans, depth - 1);
          else throw new Error(`failed to identify workflow node type for node: ${node.id}`);
          break;
        }
        default:
          // Other node kinds get no breakdown, so the rest of the tree still shows.
          break;
      }
    }
    return create(SpanSchema, {
      startTime: nodeExecution.closure?.createdAt,
      endTime: nodeExecution.closure?.updatedAt,
      id: { case: "nodeId", value: nodeExecution.id! },
      spans,
    });
  }

  /** Node spans in creation order, each preceded by the transition from its latest upstream node. */
  private async nodeSpans(
    nodes: Map<string, NodeExecution>,
    compiled: CompiledWorkflowClosure | undefined,
    spans: Span[],
    depth: number,
  ): Promise<void> {
    const sorted = [...nodes.values()].sort((a, b) => compareTimes(a.closure?.createdAt, b.closure?.createdAt));
    for (const nodeExecution of sorted) {
      const specNodeId = nodeExecution.metadata?.specNodeId ?? "";
      if (specNodeId === START_NODE || specNodeId === END_NODE) continue;
      const node = compiled?.primary?.template?.nodes.findLast((candidate) => candidate.id === specNodeId);
      if (node === undefined) {
        throw new Error(`failed to discover workflow node '${specNodeId}' in workflow`);
      }
      const span = await this.node(nodeExecution, node, depth);
      const upstream = latestUpstream(specNodeId, compiled?.primary?.connections?.upstream, nodes);
      if (upstream !== undefined) {
        span.spans.unshift(operation(upstream.closure?.updatedAt, nodeExecution.closure?.createdAt, "NODE_TRANSITION"));
      }
      spans.push(span);
    }
  }

  private async branch(nodeExecution: NodeExecution, branch: BranchNode, spans: Span[], depth: number): Promise<void> {
    const children = await this.nodeExecutions(nodeExecution.id?.executionId, nodeExecution.id?.nodeId ?? "");
    const closure = nodeExecution.closure;
    if (children.size === 0) {
      spans.push(operation(closure?.createdAt, closure?.updatedAt, "NODE_SETUP"));
      return;
    }
    if (children.size !== 1) {
      throw new Error(`invalid branch node execution: expected 1 but found ${children.size} node execution(s)`);
    }
    const child = [...children.values()][0]!;
    const node = branchCase(child.metadata?.specNodeId ?? "", branch);
    if (node === undefined) {
      throw new Error(
        `failed to identify branch node final node definition for nodeID '${child.metadata?.specNodeId ?? ""}'`,
      );
    }
    spans.push(operation(closure?.createdAt, child.closure?.createdAt, "NODE_SETUP"));
    spans.push(await this.node(child, node, depth));
    if (!before(closure?.updatedAt, child.closure?.updatedAt)) {
      spans.push(operation(child.closure?.updatedAt, closure?.updatedAt, "NODE_TEARDOWN"));
    }
  }

  private async dynamic(nodeExecution: NodeExecution, spans: Span[], depth: number): Promise<void> {
    const attempts = await this.taskExecutions(nodeExecution.id);
    const closure = nodeExecution.closure;
    if (attempts.length === 0) {
      spans.push(operation(closure?.createdAt, closure?.updatedAt, "NODE_SETUP"));
      return;
    }
    spans.push(operation(closure?.createdAt, attempts[0]?.closure?.createdAt, "NODE_SETUP"));
    taskSpans(attempts, spans, depth);
    const children = await this.nodeExecutions(nodeExecution.id?.executionId, nodeExecution.id?.nodeId ?? "");
    const lastAttempt = attempts[attempts.length - 1]!;
    if (children.size === 0) {
      if (!before(closure?.updatedAt, lastAttempt.closure?.updatedAt)) {
        spans.push(operation(lastAttempt.closure?.updatedAt, closure?.updatedAt, "NODE_RESET"));
      }
      return;
    }
    spans.push(operation(lastAttempt.closure?.updatedAt, children.get(START_NODE)?.closure?.updatedAt, "NODE_RESET"));
    const data = await this.deps.nodeExecutions.getNodeExecutionData(
      create(NodeExecutionGetDataRequestSchema, { id: nodeExecution.id }),
      this.context,
    );
    const compiled = data.dynamicWorkflow?.compiledWorkflow;
    await this.nodeSpans(children, compiled, spans, depth);
    const last = latestUpstream(END_NODE, compiled?.primary?.connections?.upstream, children);
    if (last !== undefined && !before(closure?.updatedAt, last.closure?.updatedAt)) {
      spans.push(operation(last.closure?.updatedAt, closure?.updatedAt, "NODE_TEARDOWN"));
    }
  }

  private async launchPlanNode(nodeExecution: NodeExecution, spans: Span[], depth: number): Promise<void> {
    const closure = nodeExecution.closure;
    const workflowNode =
      closure?.targetMetadata.case === "workflowNodeMetadata" ? closure.targetMetadata.value : undefined;
    if (workflowNode === undefined) {
      spans.push(operation(closure?.createdAt, closure?.updatedAt, "NODE_SETUP"));
      return;
    }
    const child = await this.deps.executions.getExecution(
      create(WorkflowExecutionGetRequestSchema, { id: workflowNode.executionId }),
      this.context,
    );
    spans.push(operation(closure?.createdAt, child.closure?.createdAt, "NODE_SETUP"));
    spans.push(await this.execution(child, depth));
    if (!before(closure?.updatedAt, child.closure?.updatedAt)) {
      spans.push(operation(child.closure?.updatedAt, closure?.updatedAt, "NODE_TEARDOWN"));
    }
  }

  private async subWorkflow(nodeExecution: NodeExecution, id: Identifier, spans: Span[], depth: number): Promise<void> {
    const children = await this.nodeExecutions(nodeExecution.id?.executionId, nodeExecution.id?.nodeId ?? "");
    const closure = nodeExecution.closure;
    if (children.size === 0) {
      spans.push(operation(closure?.createdAt, closure?.updatedAt, "NODE_SETUP"));
      return;
    }
    spans.push(operation(closure?.createdAt, children.get(START_NODE)?.closure?.updatedAt, "NODE_SETUP"));
    const workflow = await this.deps.workflows.getWorkflow(create(ObjectGetRequestSchema, { id }), this.context);
    const compiled = workflow.closure?.compiledWorkflow;
    await this.nodeSpans(children, compiled, spans, depth);
    const last = latestUpstream(END_NODE, compiled?.primary?.connections?.upstream, children);
    if (last !== undefined && !before(closure?.updatedAt, last.closure?.updatedAt)) {
      spans.push(operation(last.closure?.updatedAt, closure?.updatedAt, "NODE_TEARDOWN"));
    }
  }

  private async taskNode(nodeExecution: NodeExecution, spans: Span[], depth: number): Promise<void> {
    const attempts = await this.taskExecutions(nodeExecution.id);
    const closure = nodeExecution.closure;
    if (attempts.length === 0) {
      spans.push(operation(closure?.createdAt, closure?.updatedAt, "NODE_SETUP"));
      return;
    }
    spans.push(operation(closure?.createdAt, attempts[0]?.closure?.createdAt, "NODE_SETUP"));
    taskSpans(attempts, spans, depth);
    const lastAttempt = attempts[attempts.length - 1]!;
    if (!before(closure?.updatedAt, lastAttempt.closure?.updatedAt)) {
      spans.push(operation(lastAttempt.closure?.updatedAt, closure?.updatedAt, "NODE_TEARDOWN"));
    }
  }

  /** Node executions of an execution (or the children of `parentNodeId`), keyed by spec node id. */
  private async nodeExecutions(
    executionId: WorkflowExecutionIdentifier | undefined,
    parentNodeId: string,
  ): Promise<Map<string, NodeExecution>> {
    const nodes = new Map<string, NodeExecution>();
    const request = create(NodeExecutionListRequestSchema, {
      workflowExecutionId: executionId,
      limit: REQUEST_LIMIT,
      uniqueParentId: parentNodeId,
    });
    for (;;) {
      const page = await this.deps.nodeExecutions.listNodeExecutions(request, this.context);
      for (const node of page.nodeExecutions) nodes.set(node.metadata?.specNodeId ?? "", node);
      if (page.nodeExecutions.length < REQUEST_LIMIT) return nodes;
      request.token = page.token;
    }
  }

  private async taskExecutions(nodeExecutionId: NodeExecutionIdentifier | undefined): Promise<TaskExecution[]> {
    const attempts: TaskExecution[] = [];
    const request = create(TaskExecutionListRequestSchema, { nodeExecutionId, limit: REQUEST_LIMIT });
    for (;;) {
      const page = await this.deps.taskExecutions.listTaskExecutions(request, this.context);
      attempts.push(...page.taskExecutions);
      if (page.taskExecutions.length < REQUEST_LIMIT) return attempts;
      request.token = page.token;
    }
  }
}

/** Attempts in creation order (each preceded by the NODE_RESET gap after the previous one), when `depth` allows. */
function taskSpans(attempts: TaskExecution[], spans: Span[], depth: number): void {
  attempts.sort((a, b) => compareTimes(a.closure?.createdAt, b.closure?.createdAt));
  attempts.forEach((attempt, index) => {
    const previous = attempts[index - 1];
    if (previous !== undefined) {
      spans.push(operation(previous.closure?.updatedAt, attempt.closure?.createdAt, "NODE_RESET"));
    }
    if (depth !== 0) spans.push(taskSpan(attempt));
  });
}

function taskSpan(attempt: TaskExecution): Span {
  const closure = attempt.closure;
  const spans: Span[] = [];
  if (isUnset(closure?.startedAt)) {
    spans.push(operation(closure?.createdAt, closure?.updatedAt, "TASK_SETUP"));
  } else {
    spans.push(operation(closure?.createdAt, closure?.startedAt, "TASK_SETUP"));
    const duration = closure?.duration;
    if (duration === undefined || (duration.seconds === 0n && duration.nanos === 0)) {
      spans.push(operation(closure?.startedAt, closure?.updatedAt, "TASK_RUNTIME"));
    } else {
      const end = addDuration(closure!.startedAt!, duration);
      spans.push(operation(closure?.startedAt, end, "TASK_RUNTIME"));
      if (!before(closure?.updatedAt, end)) spans.push(operation(end, closure?.updatedAt, "TASK_TEARDOWN"));
    }
  }
  return create(SpanSchema, {
    startTime: closure?.createdAt,
    endTime: closure?.updatedAt,
    id: { case: "taskId", value: attempt.id! },
    spans,
  });
}

function gateSpans(nodeExecution: NodeExecution, spans: Span[]): void {
  const closure = nodeExecution.closure;
  if (isUnset(closure?.startedAt)) {
    spans.push(operation(closure?.createdAt, closure?.updatedAt, "NODE_SETUP"));
    return;
  }
  spans.push(operation(closure?.createdAt, closure?.startedAt, "NODE_SETUP"));
  const duration = closure?.duration;
  if (duration === undefined || (duration.seconds === 0n && duration.nanos === 0)) {
    spans.push(operation(closure?.startedAt, closure?.updatedAt, "NODE_IDLE"));
    return;
  }
  const end = addDuration(closure!.startedAt!, duration);
  spans.push(operation(closure?.startedAt, end, "NODE_IDLE"));
  spans.push(operation(end, closure?.updatedAt, "NODE_TEARDOWN"));
}

function branchCase(nodeId: string, branch: BranchNode): Node | undefined {
  const ifElse = branch.ifElse;
  if (ifElse?.case?.thenNode?.id === nodeId) return ifElse.case.thenNode;
  for (const other of ifElse?.other ?? []) if (other.thenNode?.id === nodeId) return other.thenNode;
  if (ifElse?.default.case === "elseNode" && ifElse.default.value.id === nodeId) return ifElse.default.value;
  return undefined;
}

/** The upstream node of `nodeId` that finished last (the moment `nodeId` could start). */
function latestUpstream(
  nodeId: string,
  upstream: Record<string, ConnectionSet_IdList> | undefined,
  nodes: Map<string, NodeExecution>,
): NodeExecution | undefined {
  let latest: NodeExecution | undefined;
  let latestNanos = 0n;
  for (const id of upstream?.[nodeId]?.ids ?? []) {
    const candidate = nodes.get(id);
    if (candidate === undefined) continue;
    const nanos = nanosOf(candidate.closure?.updatedAt);
    if (nanos > latestNanos) {
      latest = candidate;
      latestNanos = nanos;
    }
  }
  return latest;
}

function operation(start: Timestamp | undefined, end: Timestamp | undefined, operationId: string): Span {
  return create(SpanSchema, {
    ...(start === undefined ? {} : { startTime: start }),
    ...(end === undefined ? {} : { endTime: end }),
    id: { case: "operationId", value: operationId },
  });
}

function isUnset(timestamp: Timestamp | undefined): boolean {
  return timestamp === undefined || (timestamp.seconds === 0n && timestamp.nanos === 0);
}

function nanosOf(timestamp: Timestamp | undefined): bigint {
  return timestamp === undefined ? 0n : timestamp.seconds * 1_000_000_000n + BigInt(timestamp.nanos);
}

/** True when `a` is strictly before `b` (unset reads as the epoch, as Go's `AsTime` of nil). */
function before(a: Timestamp | undefined, b: Timestamp | undefined): boolean {
  return nanosOf(a) < nanosOf(b);
}

function compareTimes(a: Timestamp | undefined, b: Timestamp | undefined): number {
  const x = nanosOf(a);
  const y = nanosOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function addDuration(start: Timestamp, duration: { seconds: bigint; nanos: number }): Timestamp {
  const total = nanosOf(start) + duration.seconds * 1_000_000_000n + BigInt(duration.nanos);
  const seconds = total / 1_000_000_000n;
  return create(TimestampSchema, { seconds, nanos: Number(total - seconds * 1_000_000_000n) });
}
