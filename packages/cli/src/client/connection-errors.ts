import { Code, ConnectError } from "@connectrpc/connect";
import { CliError, ExitCode } from "../cli-error.js";
import type { AdminConnectionSettings } from "./client-settings.js";

/**
 * Admin could not be reached at all (refused, unknown host, TLS handshake): nothing the command does next can
 * work, so loops over many calls stop at it instead of recording it per item.
 */
export class AdminUnreachableError extends CliError {
  constructor(message: string, cause: unknown) {
    super(ExitCode.Failure, message, { cause });
    this.name = "AdminUnreachableError";
  }
}

/**
 * The error to raise instead of `error` when it says admin is unreachable or demands credentials aloft cannot
 * give; `undefined` when `error` is admin's own answer (NotFound, AlreadyExists…) and should pass unchanged.
 *
 * A connection failure is recognised by its cause: connect wraps the Node socket or TLS error (which carries a
 * `code` such as ECONNREFUSED, ENOTFOUND or DEPTH_ZERO_SELF_SIGNED_CERT), while errors admin sends have none.
 */
export function describeConnectionError(error: unknown, connection: AdminConnectionSettings): CliError | undefined {
  if (!(error instanceof ConnectError)) return undefined;
  const url = connection.endpoint.baseUrl;
  const cause = error.cause;
  if (cause instanceof Error && typeof (cause as NodeJS.ErrnoException).code === "string") {
    const reason = cause.message.split("\n")[0] || (cause as NodeJS.ErrnoException).code;
    return new AdminUnreachableError(`cannot reach admin at ${url}: ${reason} (is \`aloft start\` running?)`, error);
  }
  if (error.code === Code.Unauthenticated) {
    const configured =
      connection.authType === undefined ? "" : ` (admin.authType is ${connection.authType}, which aloft cannot use)`;
    return new AdminUnreachableError(
      `admin at ${url} requires authentication, which aloft does not support yet${configured}: ${error.rawMessage}`,
      error,
    );
  }
  return undefined;
}
