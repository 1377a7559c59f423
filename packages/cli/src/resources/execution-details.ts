import type { Client } from "@connectrpc/connect";
import { toAdminJson } from "@aloft/idl";
import { type NodeExecution, NodeExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { type TaskExecution, TaskExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { NodeExecution_Phase, TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { callAdmin } from "./admin-session.js";
import { literalMapToPlain } from "./literal-values.js";
import { enumName, timestampText } from "./proto-text.js";
import { renderTree, treeNode, type TreeNode } from "./text-tree.js";

/** flytectl fetches at most this many node and task executions per level (flytectl/pkg/ext/execution_fetcher.go). */
const PAGE = 100;

/** One node execution with what `--details` shows under it (flytectl's NodeExecutionClosure). */
export interface NodeDetails {
  node: NodeExecution;
  /** The node executions under a parent node (sub-workflow, branch, dynamic, array). */
  children: NodeDetails[];
  /** The attempts of a task node, by retry attempt. */
  taskExecutions: TaskExecution[];
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/**
 * The node executions of an execution as flytectl's `get execution --details` collects them
 * (flytectl/cmd/get/node_execution.go): each level listed once, parent nodes descended into, and for every other
 * node its task executions and its inputs and outputs. The calls for the nodes of one level run concurrently.
 * With `nodeId`, only that node (searched at every level) is returned.
 */
export async function fetchExecutionDetails(
  admin: Client<typeof AdminService>,
  execution: WorkflowExecutionIdentifier,
  nodeId?: string,
): Promise<NodeDetails[]> {
  const found = new Map<string, NodeDetails>();
  const top = await fetchLevel(admin, execution, "", found);
  if (nodeId === undefined) return top;
  const node = found.get(nodeId);
  return node === undefined ? [] : [node];
}

async function fetchLevel(
  admin: Client<typeof AdminService>,
  execution: WorkflowExecutionIdentifier,
  uniqueParentId: string,
  found: Map<string, NodeDetails>,
): Promise<NodeDetails[]> {
  const { nodeExecutions } = await callAdmin(`list the node executions of ${execution.name}`, () =>
    admin.listNodeExecutions({ workflowExecutionId: execution, uniqueParentId, limit: PAGE }),
  );
  const details = await Promise.all(
    nodeExecutions.map(async (node): Promise<NodeDetails> => {
      const nodeId = node.id?.nodeId ?? "";
      const entry: NodeDetails = { node, children: [], taskExecutions: [], inputs: {}, outputs: {} };
      if (node.metadata?.isParentNode === true) {
        entry.children = await fetchLevel(admin, execution, nodeId, found);
      } else {
        const id = { nodeId, executionId: execution };
        const [tasks, data] = await Promise.all([
          callAdmin(`list the task executions of node ${nodeId}`, () =>
            admin.listTaskExecutions({ nodeExecutionId: id, limit: PAGE }),
          ),
          callAdmin(`get the data of node ${nodeId}`, () => admin.getNodeExecutionData({ id })),
        ]);
        entry.taskExecutions = [...tasks.taskExecutions].sort(
          (a, b) => (a.id?.retryAttempt ?? 0) - (b.id?.retryAttempt ?? 0),
        );
        entry.inputs = literalMapToPlain(data.fullInputs);
        entry.outputs = literalMapToPlain(data.fullOutputs);
      }
      found.set(nodeId, entry);
      return entry;
    }),
  );
  return details.sort((a, b) => createdAtMs(a.node) - createdAtMs(b.node));
}

function createdAtMs(node: NodeExecution): number {
  const at = node.closure?.createdAt;
  return at === undefined ? 0 : Number(at.seconds) * 1000 + at.nanos / 1e6;
}

/** The details as JSON/YAML data, in flytectl's shape: `node_exec`, `child_nodes`, `task_execs`, `inputs`, `outputs`. */
export function executionDetailsData(details: readonly NodeDetails[]): unknown[] {
  return details.map((entry) => ({
    node_exec: toAdminJson(NodeExecutionSchema, entry.node),
    ...(entry.children.length > 0 ? { child_nodes: executionDetailsData(entry.children) } : {}),
    ...(entry.taskExecutions.length > 0
      ? { task_execs: entry.taskExecutions.map((t) => toAdminJson(TaskExecutionSchema, t)) }
      : {}),
    ...(Object.keys(entry.inputs).length > 0 ? { inputs: entry.inputs } : {}),
    ...(Object.keys(entry.outputs).length > 0 ? { outputs: entry.outputs } : {}),
  }));
}

/** The details as flytectl's tree: nodes with phase and times, their attempts, logs and outputs. */
export function executionDetailsTree(details: readonly NodeDetails[]): string[] {
  return renderTree(details.map(nodeTree));
}

function nodeTree(entry: NodeDetails): TreeNode {
  const closure = entry.node.closure;
  const children = [...entry.children.map(nodeTree), ...entry.taskExecutions.map(attemptTree)];
  const outputs = Object.entries(entry.outputs);
  if (outputs.length > 0) {
    children.push(
      treeNode(
        "Outputs :",
        outputs.map(([name, value]) => treeNode(`${name}: ${plainText(value)}`)),
      ),
    );
  }
  const text = [
    entry.node.id?.nodeId ?? "",
    enumName(NodeExecution_Phase, closure?.phase ?? 0),
    timestampText(closure?.createdAt),
    timestampText(closure?.updatedAt),
  ].join(" - ");
  return treeNode(text, children);
}

function attemptTree(task: TaskExecution): TreeNode {
  const closure = task.closure;
  const lines: TreeNode[] = [
    treeNode(
      `Task - ${enumName(TaskExecution_Phase, closure?.phase ?? 0)} - ${timestampText(closure?.createdAt)} - ${timestampText(closure?.updatedAt)}`,
    ),
    treeNode(`Task Type - ${closure?.taskType ?? ""}`),
    treeNode(`Reason - ${closure?.reason ?? ""}`),
  ];
  const metadata = closure?.metadata;
  if (metadata !== undefined) {
    lines.push(
      treeNode("Metadata", [
        treeNode(`Generated Name : ${metadata.generatedName}`),
        treeNode(`Plugin Identifier : ${metadata.pluginIdentifier}`),
        treeNode(
          "External Resources",
          metadata.externalResources.map((r) => treeNode(`Ext Resource : ${r.externalId}`)),
        ),
        treeNode(
          "Resource Pool Info",
          metadata.resourcePoolInfo.flatMap((p) => [
            treeNode(`Ext Resource : ${p.namespace}`),
            treeNode(`Ext Resource Token : ${p.allocationToken}`),
          ]),
        ),
      ]),
    );
  }
  const logs = [...(closure?.logs ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  lines.push(
    treeNode(
      "Logs :",
      logs.flatMap((log) => [treeNode(`Name :${log.name}`), treeNode(`URI :${log.uri}`)]),
    ),
  );
  return treeNode(`Attempt :${task.id?.retryAttempt ?? 0}`, lines);
}

function plainText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
