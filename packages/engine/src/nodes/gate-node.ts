/**
 * Gate nodes (nodes/gate/handler.go): sleep until the attempt has run for the duration (a timer wakes
 * the workflow), or wait for a signal / an approval from admin's SignalService, asked every round until
 * it has a value.
 */
import { create } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { SignalGetOrCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema, type Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { writeProto } from "@aloft/storage";
import { executionError, systemError } from "../semantics/execution-errors.js";
import { GateNodePhase } from "../state/phases.js";
import type { NodeContext, NodeHandler, Transition } from "./node-handler.js";

/** The gate node handler. */
export function createGateNodeHandler(): NodeHandler {
  return {
    kind: "gate",
    finalizeRequired: false,
    async handle(ctx) {
      const target = ctx.node.target;
      if (target.case !== "gateNode") {
        return { phase: "failed", error: systemError("BadSpecificationError", "gateNode is nil") };
      }
      ctx.state.putGate({ phase: GateNodePhase.Executing });
      const condition = target.value.condition;
      switch (condition.case) {
        case "approve": {
          const signal = await getOrCreateSignal(
            ctx,
            condition.value.signalId,
            create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.BOOLEAN } }),
          );
          if (signal === undefined) return { phase: "running" };
          const approved = booleanOf(signal);
          if (approved === undefined) {
            return {
              phase: "failed",
              error: executionError(
                ExecutionError_ErrorKind.UNKNOWN,
                "RuntimeExecutionError",
                `received a non-boolean approve signal value [${JSON.stringify(signal.value.case)}]`,
              ),
            };
          }
          if (!approved) {
            return {
              phase: "failed",
              error: executionError(
                ExecutionError_ErrorKind.USER,
                "ReceivedRejectSignal",
                "received a reject signal to disapprove the node input values",
              ),
            };
          }
          await writeProto(ctx.execution.services.blobs, ctx.outputsPath, LiteralMapSchema, await ctx.inputs());
          return { phase: "success", info: { outputUri: ctx.outputsPath } };
        }
        case "signal": {
          const signal = await getOrCreateSignal(ctx, condition.value.signalId, condition.value.type);
          if (signal === undefined) return { phase: "running" };
          const outputs = create(LiteralMapSchema, { literals: { [condition.value.outputVariableName]: signal } });
          await writeProto(ctx.execution.services.blobs, ctx.outputsPath, LiteralMapSchema, outputs);
          return { phase: "success", info: { outputUri: ctx.outputsPath } };
        }
        case "sleep":
          return sleep(ctx, condition.value.duration === undefined ? 0 : durationMs(condition.value.duration));
        default:
          return {
            phase: "failed",
            error: systemError("BadSpecificationError", "gateNode does not have a supported condition reference"),
          };
      }
    },
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
}

function sleep(ctx: NodeContext, durationMsValue: number): Transition {
  const startedAt = ctx.status.laStartedAt;
  const now = ctx.execution.now();
  if (startedAt !== undefined && durationMsValue <= now - startedAt) return { phase: "success" };
  // The attempt's start is set when the node enters Running (this round at the latest).
  ctx.execution.wakeAt((startedAt ?? now) + durationMsValue);
  return { phase: "running" };
}

async function getOrCreateSignal(
  ctx: NodeContext,
  signalId: string,
  type: LiteralType | undefined,
): Promise<Literal | undefined> {
  const signal = await ctx.execution.services.controlPlane.signals.getOrCreateSignal(
    create(SignalGetOrCreateRequestSchema, {
      id: { executionId: ctx.execution.executionId, signalId },
      ...(type === undefined ? {} : { type }),
    }),
  );
  const value = signal.value;
  return value === undefined || value.value.case === undefined ? undefined : value;
}

function booleanOf(literal: Literal): boolean | undefined {
  if (literal.value.case !== "scalar") return undefined;
  const scalar = literal.value.value.value;
  if (scalar.case !== "primitive" || scalar.value.value.case !== "boolean") return undefined;
  return scalar.value.value.value;
}
