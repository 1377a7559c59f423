import { create, isMessage } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { ContainerErrorSchema, ContainerError_Kind, type ContainerError } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  type ExecutionError,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";

/** flytekit's code for an exception raised by user code (`FlyteUserRuntimeException`). */
export const USER_RUNTIME_ERROR_CODE = "USER:RuntimeError";

/** flytekit's code for `FlyteRecoverableException` (retried within the task's retry budget). */
export const RECOVERABLE_ERROR_CODE = "RecoverableFlyteException";

/** Options of {@link TaskFailure}. */
export interface TaskFailureOptions {
  code: string;
  message: string;
  /** Whether propeller may retry the task (`ContainerError.Kind.RECOVERABLE`). */
  recoverable: boolean;
  /** Who is at fault; SYSTEM failures get their own retry budget (3), independent of the task's retries. @default "USER" */
  origin?: "USER" | "SYSTEM" | "UNKNOWN";
  cause?: unknown;
}

/**
 * A task failure with an explicit Flyte classification, for runners to throw when they know more
 * than "the user code threw" (the container runner uses it for exit codes and `_ERROR` files).
 * It carries the `ContainerError` that `aloft-execute` would write as `error.pb`.
 */
export class TaskFailure extends Error {
  readonly containerError: ContainerError;

  constructor(options: TaskFailureOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TaskFailure";
    this.containerError = create(ContainerErrorSchema, {
      code: options.code,
      message: options.message,
      kind: options.recoverable ? ContainerError_Kind.RECOVERABLE : ContainerError_Kind.NON_RECOVERABLE,
      origin: ExecutionError_ErrorKind[options.origin ?? "USER"],
      timestamp: timestampNow(),
    });
  }

  /** A failure carrying a given `ContainerError` as is (e.g. one read from `error.pb`). */
  static fromContainerError(containerError: ContainerError): TaskFailure {
    const failure = new TaskFailure({
      code: containerError.code,
      message: containerError.message,
      recoverable: containerError.kind === ContainerError_Kind.RECOVERABLE,
    });
    (failure as { containerError: ContainerError }).containerError = containerError;
    return failure;
  }
}

/** Options of {@link containerErrorFromThrown}. */
export interface ContainerErrorFromThrownOptions {
  /** Append the JS stack to the message (flytekit writes the traceback). @default false */
  includeStack?: boolean;
  /** The `worker` field (flytekit: the pod name). @default "" */
  worker?: string;
}

/**
 * Classifies anything a task threw as the `ContainerError` flytekit would write to `error.pb`, so the
 * executors and `aloft-execute` agree on what is retried. Recognised, in order:
 * - an object with a `containerError` property holding a flyteidl `ContainerError` (e.g.
 *   {@link TaskFailure}): used as is;
 * - an `Error` with `recoverable === true` or named `RecoverableError`: RECOVERABLE, origin USER,
 *   code `errorCode` when it is a string, else {@link RECOVERABLE_ERROR_CODE};
 * - anything else: NON_RECOVERABLE, origin USER, code `errorCode` when it is a string, else
 *   {@link USER_RUNTIME_ERROR_CODE} (flytekit marks ordinary exceptions non-recoverable).
 */
export function containerErrorFromThrown(
  thrown: unknown,
  options: ContainerErrorFromThrownOptions = {},
): ContainerError {
  const carried = (thrown as { containerError?: unknown } | null | undefined)?.containerError;
  if (isMessage(carried, ContainerErrorSchema)) return carried;

  const error = thrown instanceof Error ? thrown : undefined;
  const fields = (typeof thrown === "object" && thrown !== null ? thrown : {}) as {
    recoverable?: unknown;
    errorCode?: unknown;
  };
  const recoverable = fields.recoverable === true || error?.name === "RecoverableError";
  const code =
    typeof fields.errorCode === "string"
      ? fields.errorCode
      : recoverable
        ? RECOVERABLE_ERROR_CODE
        : USER_RUNTIME_ERROR_CODE;
  let message = error ? error.message : String(thrown);
  if (options.includeStack === true && error?.stack !== undefined) message = error.stack;
  return create(ContainerErrorSchema, {
    code,
    message,
    kind: recoverable ? ContainerError_Kind.RECOVERABLE : ContainerError_Kind.NON_RECOVERABLE,
    origin: ExecutionError_ErrorKind.USER,
    timestamp: timestampNow(),
    worker: options.worker ?? "",
  });
}

/** A failure as propeller sees it after reading `error.pb`: the error, and whether it may be retried. */
export interface TaskFailureInfo {
  error: ExecutionError;
  recoverable: boolean;
}

/** propeller's `errorDoc2ExecutionError`: the container error's origin becomes the error kind. */
export function taskFailureFromContainerError(containerError: ContainerError): TaskFailureInfo {
  return {
    error: create(ExecutionErrorSchema, {
      code: containerError.code,
      message: containerError.message,
      kind: containerError.origin,
      timestamp: containerError.timestamp,
      worker: containerError.worker,
    }),
    recoverable: containerError.kind === ContainerError_Kind.RECOVERABLE,
  };
}
