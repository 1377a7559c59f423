import { readFile } from "node:fs/promises";
import type { SecureClientSessionOptions } from "node:http2";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { DataProxyService } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import { CliError } from "../cli-error.js";
import type { AdminConnectionSettings } from "./client-settings.js";
import { describeConnectionError } from "./connection-errors.js";

/** Connect clients of admin's gRPC services, sharing one HTTP/2 connection. */
export interface AdminClients {
  readonly admin: Client<typeof AdminService>;
  readonly signals: Client<typeof SignalService>;
  readonly dataProxy: Client<typeof DataProxyService>;
  /** The URL they talk to, e.g. `http://localhost:30080`. */
  readonly baseUrl: string;
  /** The transport they share (TLS settings included), for clients of other services (WatchService). */
  readonly transport: Transport;
  /** Closes the connection (open calls fail). */
  close(): void;
}

/**
 * Clients for admin's AdminService, SignalService and DataProxyService over gRPC, as flytectl talks to
 * flyteadmin: plaintext HTTP/2 when the endpoint is insecure, TLS otherwise (with `caCertFilePath` or
 * `insecureSkipVerify`). Calls that cannot reach admin fail with one readable line
 * (`cannot reach admin at <url>: <reason> (is \`aloft start\` running?)`) instead of connect's error.
 *
 * @throws CliError (failure) when `caCertFilePath` cannot be read.
 */
export async function createAdminClients(settings: AdminConnectionSettings): Promise<AdminClients> {
  const { baseUrl } = settings.endpoint;
  const sessionManager = new Http2SessionManager(baseUrl, undefined, await tlsOptions(settings));
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager,
    ...(settings.maxMessageSizeBytes === undefined ? {} : { readMaxBytes: settings.maxMessageSizeBytes }),
  });
  return {
    admin: withConnectionErrors(createClient(AdminService, transport), settings),
    signals: withConnectionErrors(createClient(SignalService, transport), settings),
    dataProxy: withConnectionErrors(createClient(DataProxyService, transport), settings),
    baseUrl,
    transport,
    close: () => sessionManager.abort(),
  };
}

/**
 * `client` with every unary call's connection failure replaced by the one-line error of
 * {@link describeConnectionError}. Done around the client, not in an interceptor: connect turns whatever an
 * interceptor throws back into a `ConnectError`.
 */
function withConnectionErrors<T extends object>(client: T, settings: AdminConnectionSettings): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(client)) {
    wrapped[name] =
      typeof method !== "function"
        ? method
        : (...args: unknown[]) => {
            const result: unknown = method(...args);
            if (!(result instanceof Promise)) return result;
            return result.catch((error: unknown) => {
              throw describeConnectionError(error, settings) ?? error;
            });
          };
  }
  return wrapped as T;
}

async function tlsOptions(settings: AdminConnectionSettings): Promise<SecureClientSessionOptions | undefined> {
  if (!settings.endpoint.tls) return undefined;
  const options: SecureClientSessionOptions = {};
  if (settings.insecureSkipVerify) options.rejectUnauthorized = false;
  if (settings.caCertFilePath !== undefined) {
    try {
      options.ca = await readFile(settings.caCertFilePath, "utf8");
    } catch (error) {
      throw CliError.failure(
        `cannot read admin.caCertFilePath ${settings.caCertFilePath}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return options;
}
