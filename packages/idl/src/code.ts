/** gRPC status codes (same numbers as gRPC and Connect). Aloft defines no codes of its own. */
export enum Code {
  /** The operation was cancelled, typically by the caller. */
  Canceled = 1,
  /** An error with no better code; also what unrecognised failures become. */
  Unknown = 2,
  /** The request is malformed; retrying it unchanged cannot succeed. */
  InvalidArgument = 3,
  /** The deadline passed before the operation finished. */
  DeadlineExceeded = 4,
  /** The named entity does not exist. */
  NotFound = 5,
  /** The entity being created already exists. */
  AlreadyExists = 6,
  /** The caller is authenticated but not allowed to do this. */
  PermissionDenied = 7,
  /** A quota or size limit was hit. */
  ResourceExhausted = 8,
  /** The system is not in a state that allows the operation (for example, a terminal execution). */
  FailedPrecondition = 9,
  /** A concurrency conflict; the caller may retry at a higher level. */
  Aborted = 10,
  /** A value is past the valid range. */
  OutOfRange = 11,
  /** The operation is not implemented or not supported. */
  Unimplemented = 12,
  /** An invariant broke inside the server. */
  Internal = 13,
  /** The service is unavailable for now; retrying may help. */
  Unavailable = 14,
  /** Unrecoverable data loss or corruption. */
  DataLoss = 15,
  /** The request carries no valid credentials. */
  Unauthenticated = 16,
}

/** The lower snake-case name of a code, as gRPC and Connect print it (`not_found`). */
export function codeToString(code: Code): string {
  return (Code[code] ?? "unknown").replace(/[A-Z]/g, (c, i: number) => (i === 0 ? "" : "_") + c.toLowerCase());
}
