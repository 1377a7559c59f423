import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { writeProto } from "@aloft/storage";
import type { NodeHandler } from "./node-handler.js";

/**
 * The end node (nodes/end/handler.go): its inputs — the workflow's output bindings, resolved into
 * `inputs.pb` like any node's — become its outputs, which are the workflow's outputs.
 */
export function createEndNodeHandler(): NodeHandler {
  return {
    kind: "end",
    finalizeRequired: false,
    async handle(ctx) {
      await writeProto(ctx.execution.services.blobs, ctx.outputsPath, LiteralMapSchema, await ctx.inputs());
      return { phase: "success" };
    },
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
}
