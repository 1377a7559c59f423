import { type DbTime, timestampToDbTime } from "@aloft/db";
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import type { ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";

/** Nanoseconds of a protobuf `Duration` (the `duration` columns, as Go's `time.Duration`). */
export function durationToNanos(duration: Duration | undefined): number {
  if (duration === undefined) return 0;
  return Number(duration.seconds) * 1e9 + duration.nanos;
}

/** `timestamp` as a `DbTime`, or null when unset. */
export function optionalDbTime(timestamp: Timestamp | undefined): DbTime | null {
  return timestamp === undefined ? null : timestampToDbTime(timestamp);
}

/** The `error_kind`/`error_code` columns promoted from an execution error. */
export function errorColumns(error: ExecutionError): { error_kind: string; error_code: string } {
  return { error_kind: ExecutionError_ErrorKind[error.kind] ?? String(error.kind), error_code: error.code };
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: false });

/** Longest error message a list response carries (flyteadmin's `trimmedErrMessageLen`). */
export const TRIMMED_ERROR_MESSAGE_BYTES = 100;

/**
 * Cuts `message` to 100 bytes of UTF-8, dropping a character split by the cut (flyteadmin's
 * `TrimErrorMessage`, used by list calls so huge errors do not bloat pages).
 */
export function trimErrorMessage(message: string): string {
  const bytes = utf8.encode(message);
  if (bytes.length <= TRIMMED_ERROR_MESSAGE_BYTES) return message;
  let end = TRIMMED_ERROR_MESSAGE_BYTES;
  // Back off continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return utf8Decoder.decode(bytes.subarray(0, end));
}
