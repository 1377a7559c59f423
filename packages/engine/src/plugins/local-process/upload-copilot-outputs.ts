/*
 * Co-pilot's sidecar after the main container exited (flytecopilot cmd/sidecar.go, data/upload.go): the
 * files named after the output variables become `outputs.pb`; any failure, including the container's own
 * `_ERROR` file, becomes `error.pb` with code `OutputUploadFailed`, RECOVERABLE, for the engine to read.
 */
import { create } from "@bufbuild/protobuf";
import { ContainerError_Kind, ErrorDocumentSchema } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { errorPath, outputsPath, writeProto } from "@aloft/storage";
import { readCopilotOutputs } from "../../semantics/copilot-data.js";
import { messageOf } from "../../semantics/execution-errors.js";
import type { TaskExecutionContext } from "../task-plugin.js";

/** Uploads what the container left in `outputDir`; returns which file it wrote. */
export async function uploadCopilotOutputs(ctx: TaskExecutionContext, outputDir: string): Promise<"outputs" | "error"> {
  try {
    const outputs = await readCopilotOutputs({
      dir: outputDir,
      outputs: ctx.template.interface?.outputs,
      blobs: { store: ctx.blobs, rawOutputPrefix: ctx.paths.rawOutputPrefix },
    });
    await writeProto(ctx.blobs, outputsPath(ctx.paths.outputPrefix), LiteralMapSchema, outputs);
    return "outputs";
  } catch (e) {
    const doc = create(ErrorDocumentSchema, {
      error: { code: "OutputUploadFailed", message: messageOf(e), kind: ContainerError_Kind.RECOVERABLE },
    });
    await writeProto(ctx.blobs, errorPath(ctx.paths.outputPrefix), ErrorDocumentSchema, doc);
    return "error";
  }
}
