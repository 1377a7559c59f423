import type { Message } from "@bufbuild/protobuf";
import { Code, codeToString } from "./code.js";

/** Keep messages below gRPC's status size limit, as flyteadmin does (`MaxResponseStatusBytes`). */
export const MAX_ERROR_MESSAGE_BYTES = 32_000;

export interface AloftErrorOptions {
  /** Typed flyteidl details that clients branch on, e.g. `EventFailureReason`. */
  details?: readonly Message[];
  /** The underlying error, kept for logs and never sent to clients. */
  cause?: unknown;
}

/**
 * The one error type every Aloft package throws for a failed request: a gRPC {@link Code}, the
 * message as given (`rawMessage`), optional typed flyteidl `details` and the internal `cause`.
 * `message` is prefixed with the code (`[not_found] …`) so it reads well in any log.
 *
 * Failures of user code (flyteidl `ExecutionError`) are data, not `AloftError`s.
 */
export class AloftError extends Error {
  readonly code: Code;
  readonly rawMessage: string;
  readonly details: readonly Message[];

  constructor(code: Code, message: string, options: AloftErrorOptions = {}) {
    const raw = capMessage(message);
    super(`[${codeToString(code)}] ${raw}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AloftError";
    this.code = code;
    this.rawMessage = raw;
    this.details = options.details ?? [];
  }

  /** `anything` as an AloftError: itself if it is one, else `Internal` (or `Unknown` for non-errors). */
  static from(anything: unknown): AloftError {
    if (anything instanceof AloftError) return anything;
    if (anything instanceof Error) return new AloftError(Code.Internal, anything.message, { cause: anything });
    return new AloftError(Code.Unknown, String(anything), { cause: anything });
  }

  static invalidArgument(message: string, options?: AloftErrorOptions): AloftError {
    return new AloftError(Code.InvalidArgument, message, options);
  }

  static notFound(message: string, options?: AloftErrorOptions): AloftError {
    return new AloftError(Code.NotFound, message, options);
  }

  static alreadyExists(message: string, options?: AloftErrorOptions): AloftError {
    return new AloftError(Code.AlreadyExists, message, options);
  }

  static failedPrecondition(message: string, options?: AloftErrorOptions): AloftError {
    return new AloftError(Code.FailedPrecondition, message, options);
  }

  static internal(message: string, options?: AloftErrorOptions): AloftError {
    return new AloftError(Code.Internal, message, options);
  }
}

const utf8 = new TextEncoder();

/** Truncates `message` to {@link MAX_ERROR_MESSAGE_BYTES} of UTF-8, never splitting a character. */
export function capMessage(message: string, maxBytes = MAX_ERROR_MESSAGE_BYTES): string {
  if (message.length <= maxBytes / 4 || utf8.encode(message).length <= maxBytes) return message;
  let bytes = 0;
  let end = 0;
  for (const ch of message) {
    const size = utf8.encode(ch).length;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return message.slice(0, end);
}
