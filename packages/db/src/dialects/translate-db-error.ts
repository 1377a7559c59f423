import { AloftError, Code } from "@aloft/idl";

// PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const PG_UNIQUE_VIOLATION = "23505";
const PG_UNDEFINED_TABLE = "42P01";
const PG_SERIALIZATION_FAILURE = "40001";
const PG_DEADLOCK_DETECTED = "40P01";
const PG_CONNECTION_CLASS = "08";
const PG_ADMIN_SHUTDOWN_CLASS = "57";

const NETWORK_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * The one place where driver errors become API errors (flyteadmin's `repositories/errors`):
 *
 * - unique violation (PostgreSQL `23505`, SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`) →
 *   `AlreadyExists` "value with matching already exists (<driver message>)";
 * - undefined table → `InvalidArgument` "cannot query with specified table attributes: …";
 * - serialization failure or deadlock → `Aborted` (the caller may retry);
 * - busy/locked database, lost connection → `Unavailable`;
 * - any other database error → `Unknown` "failed database operation with <driver message>";
 * - an `AloftError` passes through unchanged; anything else → `Internal`.
 */
export function translateDbError(error: unknown): AloftError {
  if (error instanceof AloftError) return error;
  if (!(error instanceof Error)) return AloftError.from(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message;
  if (typeof code === "string") {
    if (
      code === PG_UNIQUE_VIOLATION ||
      code === "SQLITE_CONSTRAINT_UNIQUE" ||
      code === "SQLITE_CONSTRAINT_PRIMARYKEY"
    ) {
      return new AloftError(Code.AlreadyExists, `value with matching already exists (${message})`, { cause: error });
    }
    if (code === PG_UNDEFINED_TABLE || (code === "SQLITE_ERROR" && message.startsWith("no such table"))) {
      return new AloftError(Code.InvalidArgument, `cannot query with specified table attributes: ${message}`, {
        cause: error,
      });
    }
    if (code === PG_SERIALIZATION_FAILURE || code === PG_DEADLOCK_DETECTED) {
      return new AloftError(Code.Aborted, `failed database operation with ${message}`, { cause: error });
    }
    if (
      code.startsWith("SQLITE_BUSY") ||
      code.startsWith("SQLITE_LOCKED") ||
      NETWORK_ERRORS.has(code) ||
      (isSqlState(code) && (code.startsWith(PG_CONNECTION_CLASS) || code.startsWith(PG_ADMIN_SHUTDOWN_CLASS)))
    ) {
      return new AloftError(Code.Unavailable, `database unavailable: ${message}`, { cause: error });
    }
    if (code.startsWith("SQLITE_") || isSqlState(code)) {
      return new AloftError(Code.Unknown, `failed database operation with ${message}`, { cause: error });
    }
  }
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  ) {
    return new AloftError(Code.Unavailable, `database unavailable: ${message}`, { cause: error });
  }
  return new AloftError(Code.Internal, `unexpected error type for: ${message}`, { cause: error });
}

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code);
}

/**
 * Wraps every method of `repo` so that whatever it throws leaves through {@link translateDbError},
 * always as a rejected promise (repository methods are all asynchronous). Applied once per
 * repository instead of a try/catch in every method.
 */
export function withDbErrors<T extends object>(repo: T): T {
  return new Proxy(repo, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise)
            return result.catch((error: unknown) => Promise.reject(translateDbError(error)));
          return result;
        } catch (error) {
          return Promise.reject(translateDbError(error));
        }
      };
    },
  });
}
