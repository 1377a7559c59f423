/**
 * Follow output for logs and pipes: one line per phase change, nothing redrawn.
 *
 *     execution admintests/development/f3a9 RUNNING
 *     node n0 RUNNING
 *     task n0 attempt 1 RUNNING
 *     node n0 SUCCEEDED in 1.2s
 *     execution admintests/development/f3a9 SUCCEEDED in 3.4s (1/1 nodes)
 */
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { NodeExecution } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  elapsedMs,
  executionName,
  type ExecutionProgress,
  formatElapsed,
  isTerminalExecution,
  isTerminalNode,
  nodeCounts,
  nodePhaseName,
  workflowPhaseName,
} from "./execution-progress.js";
import type { ProgressRenderer } from "./progress-renderer.js";

/** A renderer writing one line (with its newline) per phase change through `write`. */
export function createLineRenderer(write: (text: string) => void): ProgressRenderer {
  const printed = new Map<string, string>();
  /** Prints `line` unless `state` is what was last printed for `key`. */
  const print = (key: string, state: string, line: string): void => {
    if (printed.get(key) === state) return;
    printed.set(key, state);
    write(`${line}\n`);
  };

  const render = (progress: ExecutionProgress, final: boolean): void => {
    const execution = progress.execution;
    if (execution === undefined) return;
    const terminal = isTerminalExecution(execution);
    if (!terminal) print("execution", workflowPhaseName(execution), executionLine(execution));
    for (const node of progress.nodes) {
      const attempt = node.latestAttempt;
      if (attempt !== undefined) {
        const phase = TaskExecution_Phase[attempt.closure?.phase ?? TaskExecution_Phase.UNDEFINED] ?? "UNDEFINED";
        const number = (attempt.id?.retryAttempt ?? 0) + 1;
        print(`task ${node.nodeId}`, `${number} ${phase}`, `task ${node.nodeId} attempt ${number} ${phase}`);
      }
      print(`node ${node.nodeId}`, nodePhaseName(node.execution), nodeLine(node.nodeId, node.execution));
    }
    // The terminal execution comes last, once every node's final phase is known (a stream starts with the
    // execution, even a finished one).
    if (terminal && final) {
      const { completed, total } = nodeCounts(progress);
      print("execution", workflowPhaseName(execution), `${executionLine(execution)} (${completed}/${total} nodes)`);
    }
  };
  return { update: (progress) => render(progress, false), finish: (progress) => render(progress, true) };
}

function executionLine(execution: Execution): string {
  const terminal = isTerminalExecution(execution);
  const elapsed = terminal ? elapsedMs(execution.closure, true, 0) : undefined;
  const result = execution.closure?.outputResult;
  const error = terminal && result?.case === "error" ? `: ${firstLine(result.value.message)}` : "";
  return `execution ${executionName(execution)} ${workflowPhaseName(execution)}${elapsed === undefined ? "" : ` in ${formatElapsed(elapsed)}`}${error}`;
}

function nodeLine(nodeId: string, node: NodeExecution): string {
  const terminal = isTerminalNode(node);
  const elapsed = terminal ? elapsedMs(node.closure, true, 0) : undefined;
  const result = node.closure?.outputResult;
  const error = terminal && result?.case === "error" ? `: ${firstLine(result.value.message)}` : "";
  return `node ${nodeId} ${nodePhaseName(node)}${elapsed === undefined ? "" : ` in ${formatElapsed(elapsed)}`}${error}`;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0]!.trim();
}
