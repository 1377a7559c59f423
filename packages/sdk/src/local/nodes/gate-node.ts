/*
 * Gate nodes (propeller's nodes/gate): a signal's value becomes the node's single output, an approval
 * passes the node's inputs on (or fails on `false`), a sleep really waits. Timeouts come from the
 * node's metadata, as for every node.
 */
import { executionError, messageOf, systemError, userError, durationToMs } from "@aloft/engine";
import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema, type Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { LiteralTypeSchema, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { literalToString } from "@aloft/idl";
import type { AttemptContext, AttemptResult } from "../execution-context.js";

const MAX_TIMER_MS = 2 ** 31 - 1;

/** One attempt of a gate node. */
export async function runGateAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { invocation } = ctx;
  const node = invocation.node;
  if (node.target.case !== "gateNode") throw new Error("not a gate node");
  const condition = node.target.value.condition;
  const run = invocation.scope.run;

  switch (condition.case) {
    case "sleep": {
      const duration = condition.value.duration;
      const ms = duration === undefined ? 0 : durationToMs(duration);
      try {
        // Timers cap at about 24.8 days; longer sleeps wait in chunks.
        for (let left = Math.max(0, ms); ; left -= MAX_TIMER_MS) {
          await sleep(Math.min(left, MAX_TIMER_MS), undefined, { signal: ctx.signal });
          if (left <= MAX_TIMER_MS) break;
        }
      } catch {
        return { kind: "failure", error: systemError("NodeAborted", "sleep aborted"), retryable: false };
      }
      return { kind: "success", outputs: create(LiteralMapSchema) };
    }
    case "signal":
    case "approve": {
      const provider = run.options.signals;
      if (provider === undefined) {
        return {
          kind: "failure",
          error: systemError(
            "SignalUnavailable",
            `gate node [${invocation.nodeId}] waits for signal [${condition.value.signalId}], but no signal provider was given to the local executor`,
          ),
          retryable: false,
        };
      }
      const approve = condition.case === "approve";
      const type =
        condition.case === "signal"
          ? (condition.value.type ?? create(LiteralTypeSchema))
          : create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.BOOLEAN } });
      let value: Literal;
      try {
        value = await provider({
          kind: condition.case,
          signalId: condition.value.signalId,
          type,
          executionId: run.executionId,
          path: invocation.path,
          inputs: approve ? ctx.inputs : undefined,
          signal: ctx.signal,
        });
      } catch (e) {
        return { kind: "failure", error: systemError("SignalFailed", messageOf(e)), retryable: false };
      }
      if (condition.case === "signal") {
        return {
          kind: "success",
          outputs: create(LiteralMapSchema, { literals: { [condition.value.outputVariableName]: value } }),
        };
      }
      const approved = booleanOf(value);
      if (approved === undefined) {
        return {
          kind: "failure",
          error: executionError(
            ExecutionError_ErrorKind.UNKNOWN,
            "RuntimeExecutionError",
            `received a non-boolean approve signal value [${literalToString(value)}]`,
          ),
          retryable: false,
        };
      }
      if (!approved) {
        return {
          kind: "failure",
          error: userError("ReceivedRejectSignal", "received a reject signal to disapprove the node input values"),
          retryable: false,
        };
      }
      return { kind: "success", outputs: ctx.inputs };
    }
    default:
      return {
        kind: "failure",
        error: systemError("BadSpecificationError", "gateNode does not have a supported condition reference"),
        retryable: false,
      };
  }
}

function booleanOf(literal: Literal): boolean | undefined {
  const scalar = literal.value.case === "scalar" ? literal.value.value.value : undefined;
  if (scalar?.case !== "primitive") return undefined;
  const primitive = scalar.value.value;
  return primitive.case === "boolean" ? primitive.value : undefined;
}
