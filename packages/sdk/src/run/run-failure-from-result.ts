import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { LocalRunResult } from "../local/local-run-result.js";
import type { NodeNames } from "./node-names.js";
import { RunFailure } from "./run-failure.js";

const FAILED = new Set([NodeExecution_Phase.FAILED, NodeExecution_Phase.TIMED_OUT]);

/** What {@link runFailureFromResult} needs. */
export interface RunFailureFromResultOptions {
  result: LocalRunResult;
  /** What failed attempts threw, by unique node id. */
  thrown: ReadonlyMap<string, unknown>;
  /** Unique node ids of stand-in tasks (of references and mocked launch plans). */
  standIns: ReadonlySet<string>;
  /** What was run. */
  label: string;
  names: NodeNames;
  /** A task ran alone, in a one-node workflow. */
  single: boolean;
}

/**
 * The `RunFailure` of a run that did not succeed: the failed node whose code threw (else the deepest
 * failed node), named by its path (without the wrapping node when a task ran alone, and at the launch
 * plan's node for a stand-in), with what the user's code threw as its cause.
 */
export function runFailureFromResult(options: RunFailureFromResultOptions): RunFailure {
  const { result, thrown, label, names } = options;
  if (result.phase === WorkflowExecution_Phase.ABORTED) return new RunFailure({ entity: label, phase: "aborted" });
  const failed = [...result.nodes.values()].filter((r) => FAILED.has(r.phase));
  const depth = (path: string): number => path.split("/").length;
  const record =
    failed.find((r) => thrown.has(r.uniqueNodeId)) ??
    failed.reduce<(typeof failed)[number] | undefined>(
      (a, b) => (a === undefined || depth(b.path) > depth(a.path) ? b : a),
      undefined,
    );
  const cause = record === undefined ? undefined : thrown.get(record.uniqueNodeId);
  // Failures the runner classified itself (raw containers, missing mocks) read best as Flyte reports them.
  const userThrown =
    cause !== undefined && (cause as { containerError?: unknown }).containerError === undefined ? cause : undefined;
  let node = record?.path;
  // A stand-in's node is an implementation detail: the failure is the launch plan's (or reference's) node.
  if (record !== undefined && options.standIns.has(record.uniqueNodeId) && node !== undefined) {
    node = node.split("/").slice(0, -1).join("/") || node;
  }
  if (options.single && node !== undefined) {
    const rest = node.split("/").slice(1).join("/");
    node = rest === "" ? undefined : rest;
  }
  const described =
    record === undefined || node === undefined
      ? undefined
      : names.describe(options.single ? `${record.path.split("/")[0]}/${node}` : node);
  const nodeName =
    described?.name === undefined
      ? undefined
      : described.element === undefined
        ? described.name
        : `${described.name}[${described.element}]`;
  return new RunFailure({
    entity: label,
    phase: "failed",
    node,
    nodeName,
    executionError: record?.error ?? result.error,
    thrown: userThrown,
  });
}
