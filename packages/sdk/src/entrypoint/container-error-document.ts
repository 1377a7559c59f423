import { containerErrorFromThrown } from "@aloft/engine";
import { clone, create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  ContainerErrorSchema,
  ContainerError_Kind,
  ErrorDocumentSchema,
  type ContainerError,
  type ErrorDocument,
} from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";

/** flytekit's code for failures outside user code (`_dispatch_execute`'s catch-all). */
export const SYSTEM_ERROR_CODE = "SYSTEM";

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `    ${line}`))
    .join("\n");
}

function stackOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let text = error.stack ?? `${error.name}: ${error.message}`;
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

/**
 * The message flytekit's `get_traceback_str` writes: the stack (here the JS stack, source-mapped to
 * the user's files, with its causes) and a one-line summary.
 */
export function errorMessage(error: unknown): string {
  const summary =
    error instanceof Error
      ? `${error.name}: ${(error as { rawMessage?: unknown }).rawMessage ?? error.message}`
      : String(error);
  return `Trace:\n\n${indent(stackOf(error))}\n\nMessage:\n\n${indent(summary)}`;
}

/** Who failed, as `_dispatch_execute` classifies it. */
export type FailureScope = "user" | "system";

/**
 * The `ContainerError` for a failure: user-scoped ones as the local executor classifies them
 * (`containerErrorFromThrown`: RECOVERABLE only for a `RecoverableError` or `recoverable: true`,
 * code `errorCode` or `USER:RuntimeError`), system ones `SYSTEM` and RECOVERABLE (flytekit retries
 * infrastructure failures); the message carries the stack either way.
 */
export function containerErrorFor(error: unknown, scope: FailureScope, worker: string): ContainerError {
  if (scope === "user") {
    const classified = clone(ContainerErrorSchema, containerErrorFromThrown(error, { worker }));
    classified.message = errorMessage(error);
    classified.worker = worker;
    return classified;
  }
  return create(ContainerErrorSchema, {
    code: SYSTEM_ERROR_CODE,
    message: errorMessage(error),
    kind: ContainerError_Kind.RECOVERABLE,
    origin: ExecutionError_ErrorKind.SYSTEM,
    timestamp: timestampNow(),
    worker,
  });
}

/** The `ErrorDocument` written as `error.pb`. */
export function errorDocument(error: ContainerError): ErrorDocument {
  return create(ErrorDocumentSchema, { error });
}
