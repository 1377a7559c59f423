import { userError } from "@aloft/engine";
import { inferLiteralType, isCastable } from "@aloft/compiler";
import { AloftError, formatIdentifier, literalTypeToString } from "@aloft/idl";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { compileExecuteWorkflowOptions, type ExecuteWorkflowOptions } from "./execute-workflow-options.js";
import {
  closureLookup,
  RunContext,
  type Engine,
  type GraphOutcome,
  type RunWorkflowOptions,
} from "./execution-context.js";
import { runFailureNode, runGraph } from "./graph-execution.js";
import type { LocalRunResult } from "./local-run-result.js";
import { executeNode } from "./node-execution.js";
import { Semaphore } from "./semaphore.js";

const engine: Engine = { runGraph, runWorkflow, executeNode, runFailureNode };

/**
 * Runs a compiled workflow in this process, at the literal level, with propeller's semantics: the
 * same closure that would run remotely drives the local run, so the two cannot drift. Task code runs
 * through `options.runner`; everything else (bindings, branches, retries, timeouts, failure policies
 * and failure nodes, sub-workflows, launch plans, array nodes, dynamic tasks, gates, caching) is
 * done here. Independent nodes run concurrently, bounded by `maxParallelism`.
 *
 * Node failures are not thrown: the result's `phase` is FAILED and `error` says why.
 *
 * @throws AloftError `InvalidArgument` when the closure has no primary workflow, or the inputs do
 * not match its interface (unknown names, values of the wrong type, missing inputs).
 */
export async function executeWorkflow(options: ExecuteWorkflowOptions): Promise<LocalRunResult> {
  const compiled = compileExecuteWorkflowOptions(options);
  validateInputs(compiled.closure, compiled.inputs);
  const run = new RunContext(compiled, compiled.executionId, new Semaphore(compiled.maxParallelism), engine);
  const signal = compiled.abortSignal ?? new AbortController().signal;
  const outcome = await runWorkflow({
    run,
    closure: compiled.closure,
    inputs: compiled.inputs,
    pathPrefix: "",
    signal,
  });
  return {
    executionId: compiled.executionId,
    phase:
      outcome.phase === "succeeded"
        ? WorkflowExecution_Phase.SUCCEEDED
        : outcome.phase === "aborted"
          ? WorkflowExecution_Phase.ABORTED
          : WorkflowExecution_Phase.FAILED,
    outputs: outcome.phase === "succeeded" ? outcome.outputs : undefined,
    error: outcome.phase === "failed" ? outcome.error : undefined,
    nodes: run.records,
  };
}

/** A whole execution: the primary graph, then the failure node if it failed (propeller's workflow executor). */
async function runWorkflow(options: RunWorkflowOptions): Promise<GraphOutcome> {
  const primary = options.closure.primary;
  if (primary === undefined) throw AloftError.invalidArgument("the closure has no primary workflow");
  const graph = {
    run: options.run,
    lookup: closureLookup(options.closure),
    workflow: primary,
    inputs: options.inputs,
    pathPrefix: options.pathPrefix,
    parent: undefined,
    signal: options.signal,
  };
  const outcome = await runGraph(graph);
  if (outcome.phase === "succeeded" || outcome.phase === "aborted") return outcome;

  const error = outcome.phase === "failed" ? outcome.error : userError("Timeout", "Timeout in node");
  if (primary.template?.failureNode !== undefined && !options.signal.aborted) {
    const handled = await runFailureNode({ ...graph, error });
    // The workflow fails either way; a failing failure node's error replaces the original one.
    if (handled.phase === "failed") return { phase: "failed", error: handled.error };
    if (handled.phase === "timed-out")
      return { phase: "failed", error: userError("TimedOut", "FailureNode Timed-out") };
  }
  return { phase: "failed", error };
}

/** propeller's launch-input checks (transformers/k8s/inputs.go), all problems reported at once. */
function validateInputs(closure: CompiledWorkflowClosure, inputs: LiteralMap): void {
  const template = closure.primary?.template;
  const variables = template?.interface?.inputs?.variables ?? {};
  const problems: string[] = [];
  for (const [name, literal] of Object.entries(inputs.literals)) {
    const expected = variables[name]?.type;
    if (variables[name] === undefined) {
      problems.push(`input [${name}] is not an input of the workflow`);
      continue;
    }
    const actual = inferLiteralType(literal);
    if (actual === undefined) {
      problems.push(`input [${name}] has a value whose type cannot be inferred`);
      continue;
    }
    if (expected !== undefined && !isCastable(actual, expected)) {
      problems.push(
        `input [${name}] expects ${literalTypeToString(expected)}, but was given a value of type ${literalTypeToString(actual)}`,
      );
    }
  }
  for (const name of Object.keys(variables)) {
    if (inputs.literals[name] === undefined) problems.push(`input [${name}] is not given`);
  }
  if (problems.length > 0) {
    const name = template?.id === undefined ? "the workflow" : formatIdentifier(template.id);
    throw AloftError.invalidArgument(`invalid inputs for ${name}: ${problems.join("; ")}`);
  }
}
