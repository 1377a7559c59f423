/**
 * Which task attempt `aloft logs` shows: the one asked for, or by default the attempt that matters most, the latest
 * attempt of the last failed task node (else the last running one, else the last one that ran).
 */
import type { NodeExecution } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import type { TaskExecution } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { CliError } from "../cli-error.js";

/** Options of {@link findTaskAttempt}. */
export interface FindTaskAttemptOptions {
  admin: Client<typeof AdminService>;
  executionId: Pick<WorkflowExecutionIdentifier, "project" | "domain" | "name">;
  /** The node's id (`n0`, or a nested one such as `n1-0-n0`). @default the node chosen as described above */
  nodeId?: string;
  /** The attempt, counted from 1 as progress displays show it (Flyte's retry attempt + 1). @default the latest */
  attempt?: number;
}

/** Propeller's bookends: never task nodes. */
const BOOKENDS: ReadonlySet<string> = new Set(["start-node", "end-node"]);
const PAGE_SIZE = 100;

/**
 * The task execution whose logs to show.
 *
 * @throws CliError (failure) for an unknown execution or node, a node that ran no task, or an attempt that does
 *   not exist (naming those that do).
 */
export async function findTaskAttempt(options: FindTaskAttemptOptions): Promise<TaskExecution> {
  const { admin, executionId } = options;
  const where = `${executionId.project}/${executionId.domain}/${executionId.name}`;
  if (options.nodeId !== undefined) {
    const nodeId = options.nodeId;
    await admin.getNodeExecution({ id: { executionId, nodeId } }).catch((error: unknown) => {
      throw notFound(error, `execution ${where} has no node ${nodeId}`);
    });
    const attempts = await taskAttempts(admin, executionId, nodeId);
    if (attempts.length === 0) throw CliError.failure(`node ${nodeId} of ${where} ran no task`);
    return pickAttempt(attempts, options.attempt, nodeId);
  }

  await admin.getExecution({ id: executionId }).catch((error: unknown) => {
    throw notFound(error, `execution ${where} not found`);
  });
  const nodes = await listNodes(admin, executionId);
  for (const node of byRelevance(nodes)) {
    const nodeId = node.id?.nodeId ?? "";
    const attempts = await taskAttempts(admin, executionId, nodeId);
    if (attempts.length > 0) return pickAttempt(attempts, options.attempt, nodeId);
  }
  throw CliError.failure(`execution ${where} has run no task yet`, {
    hint: "logs appear once a task node starts; aloft get execution --watch shows its progress",
  });
}

/** Task nodes to look at, most relevant first: failed, then running, then the rest; latest first in each group. */
function byRelevance(nodes: readonly NodeExecution[]): NodeExecution[] {
  const rank = (node: NodeExecution): number => {
    const phase = node.closure?.phase ?? NodeExecution_Phase.UNDEFINED;
    if (phase === NodeExecution_Phase.FAILED || phase === NodeExecution_Phase.TIMED_OUT) return 0;
    if (phase === NodeExecution_Phase.RUNNING || phase === NodeExecution_Phase.QUEUED) return 1;
    return 2;
  };
  return nodes
    .filter((node) => !BOOKENDS.has(node.id?.nodeId ?? ""))
    .map((node, index) => ({ node, index }))
    .sort(
      (a, b) =>
        rank(a.node) - rank(b.node) ||
        millis(b.node.closure?.updatedAt) - millis(a.node.closure?.updatedAt) ||
        b.index - a.index,
    )
    .map(({ node }) => node);
}

function pickAttempt(attempts: readonly TaskExecution[], wanted: number | undefined, nodeId: string): TaskExecution {
  const sorted = [...attempts].sort((a, b) => (a.id?.retryAttempt ?? 0) - (b.id?.retryAttempt ?? 0));
  if (wanted === undefined) return sorted.at(-1)!;
  const found = sorted.find((attempt) => (attempt.id?.retryAttempt ?? 0) + 1 === wanted);
  if (found !== undefined) return found;
  const known = sorted.map((attempt) => (attempt.id?.retryAttempt ?? 0) + 1).join(", ");
  throw CliError.failure(`node ${nodeId} has no attempt ${wanted}`, { hint: `its attempts: ${known}` });
}

async function listNodes(
  admin: Client<typeof AdminService>,
  executionId: FindTaskAttemptOptions["executionId"],
): Promise<NodeExecution[]> {
  const nodes: NodeExecution[] = [];
  let token = "";
  do {
    const page = await admin.listNodeExecutions({ workflowExecutionId: executionId, limit: PAGE_SIZE, token });
    nodes.push(...page.nodeExecutions);
    token = page.token;
  } while (token !== "");
  return nodes;
}

async function taskAttempts(
  admin: Client<typeof AdminService>,
  executionId: FindTaskAttemptOptions["executionId"],
  nodeId: string,
): Promise<TaskExecution[]> {
  const attempts: TaskExecution[] = [];
  let token = "";
  do {
    const page = await admin.listTaskExecutions({ nodeExecutionId: { executionId, nodeId }, limit: PAGE_SIZE, token });
    attempts.push(...page.taskExecutions);
    token = page.token;
  } while (token !== "");
  return attempts;
}

function notFound(error: unknown, message: string): unknown {
  return error instanceof ConnectError && error.code === Code.NotFound
    ? CliError.failure(message, { cause: error })
    : error;
}

function millis(timestamp: Timestamp | undefined): number {
  return timestamp === undefined ? 0 : Number(timestamp.seconds) * 1000 + timestamp.nanos / 1e6;
}
