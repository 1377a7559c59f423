/*
 * Errors of node executions, with propeller's codes and message shapes (nodes/errors, flytestdlib
 * errors), so what Aloft reports, from the engine or a local run, reads like what Flyte reports.
 */
import { create } from "@bufbuild/protobuf";
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  type ExecutionError,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";

/** An ExecutionError. */
export function executionError(kind: ExecutionError_ErrorKind, code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, { kind, code, message });
}

/** A USER error. */
export function userError(code: string, message: string): ExecutionError {
  return executionError(ExecutionError_ErrorKind.USER, code, message);
}

/** A SYSTEM error. */
export function systemError(code: string, message: string): ExecutionError {
  return executionError(ExecutionError_ErrorKind.SYSTEM, code, message);
}

/**
 * A failure raised while preparing or running a node (binding resolution, attribute paths),
 * formatted as propeller's `NodeError`: `failed at Node[<id>]. <code>: <message>`, with
 * `, caused by: <cause>` when it wraps another.
 */
export class NodeError extends Error {
  constructor(
    readonly nodeId: string,
    readonly code: string,
    readonly detail: string,
    readonly causeError?: Error,
  ) {
    super(
      `failed at Node[${nodeId}]. ${code}: ${detail}` +
        (causeError === undefined ? "" : `, caused by: ${causeError.message}`),
    );
    this.name = "NodeError";
  }
}

/** flytestdlib's coded error: `[<code>] <message>`. */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`[${code}] ${detail}`);
    this.name = "CodedError";
  }
}

/** The message of anything thrown. */
export function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
