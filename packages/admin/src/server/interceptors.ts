/**
 * The one place RPC errors, logs, metrics and authentication are handled, for every transport: connect-node runs
 * this interceptor around gRPC, gRPC-Web and Connect calls, and the REST gateway runs the same one through
 * {@link createUnaryInvoker}.
 */
import { AloftError, capMessage, Code, codeToString, flyteidlRegistry } from "@aloft/idl";
import type { DescMessage, DescMethod, DescService, Message, Registry } from "@bufbuild/protobuf";
import { Code as ConnectCode, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { CallerIdentity } from "../managers/interfaces.js";
import { identityKey, requestIdKey, type Transport, transportKey } from "./context-keys.js";
import type { AdminMetrics } from "./metrics.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "./request-id.js";

/** What the {@link Authenticate} hook sees of a call. */
export interface AuthenticateRequest {
  service: DescService;
  method: DescMethod;
  transport: Transport;
  /** Request headers (HTTP headers for REST, metadata for gRPC). */
  header: Headers;
}

/**
 * Establishes who is calling, before the handler runs: return the identity, `undefined` for an anonymous call, or
 * throw an AloftError (UNAUTHENTICATED, PERMISSION_DENIED) to reject it. Authentication is a later issue; until
 * then the server uses {@link noAuthentication}.
 */
export type Authenticate = (
  request: AuthenticateRequest,
) => CallerIdentity | undefined | Promise<CallerIdentity | undefined>;

/** The authentication seam's default: every call is anonymous, as flyteadmin with `useAuth: false`. */
export const noAuthentication: Authenticate = () => undefined;

/** Options of {@link createRpcInterceptor}. */
export interface RpcInterceptorOptions {
  /** Receives one line per RPC (debug; errors a server should not produce at error). */
  logger: Logger;
  metrics?: AdminMetrics;
  /** @default noAuthentication */
  authenticate?: Authenticate;
  /** Resolves `AloftError.details` to descriptors. @default flyteidlRegistry */
  registry?: Registry;
}

/** Codes that mean the server, not the caller, is at fault; these are logged at error level with their cause. */
const SERVER_FAULTS: ReadonlySet<number> = new Set([Code.Unknown, Code.Internal, Code.DataLoss]);

/**
 * The server interceptor: sets the request id (`x-request-id` or a new `a-…`), runs {@link Authenticate}, times
 * the call, turns whatever the handler throws into a `ConnectError` ({@link toConnectError}), records metrics and
 * logs `{ rpc, transport, code, ms, requestId }`.
 */
export function createRpcInterceptor(options: RpcInterceptorOptions): Interceptor {
  const logger = options.logger;
  const authenticate = options.authenticate ?? noAuthentication;
  const registry = options.registry ?? flyteidlRegistry;
  return (next) => async (req) => {
    const started = performance.now();
    const values = req.contextValues;
    let requestId = values.get(requestIdKey);
    if (requestId === "") {
      requestId = requestIdFrom(req.header.get(REQUEST_ID_HEADER));
      values.set(requestIdKey, requestId);
    }
    const transport = values.get(transportKey);
    const rpc = `${req.service.typeName}/${req.method.name}`;
    /** Converts a failure for the client and logs it; the call's metrics and debug line follow in `finish`. */
    const fail = (thrown: unknown): ConnectError => {
      const error = toConnectError(thrown, { requestId, signal: req.signal, registry });
      if (SERVER_FAULTS.has(error.code)) {
        logger.error({ rpc, transport, requestId, code: codeOf(error), err: thrown }, "rpc failed");
      }
      return error;
    };
    const finish = (code: string): void => {
      const ms = performance.now() - started;
      options.metrics?.recordRpc({
        service: req.service.typeName,
        method: req.method.name,
        transport,
        code,
        durationMs: ms,
      });
      if (logger.isLevelEnabled("debug")) {
        logger.debug({ rpc, transport, requestId, code, ms: Math.round(ms * 1000) / 1000 }, "rpc");
      }
    };
    let response: Awaited<ReturnType<typeof next>>;
    try {
      const identity = await authenticate({ service: req.service, method: req.method, transport, header: req.header });
      values.set(identityKey, identity);
      response = await next(req);
    } catch (thrown) {
      const error = fail(thrown);
      finish(codeOf(error));
      throw error;
    }
    if (!response.stream) {
      finish("ok");
      return response;
    }
    // A streaming handler runs as the stream is read: errors and the call's end only show up there.
    return { ...response, message: observeStream(response.message, fail, finish) };
  };
}

/** `source`, with its error converted by `fail` and `finish` called with the outcome once it ends. */
async function* observeStream<T>(
  source: AsyncIterable<T>,
  fail: (thrown: unknown) => ConnectError,
  finish: (code: string) => void,
): AsyncGenerator<T, void, undefined> {
  let code = "ok";
  try {
    yield* source;
  } catch (thrown) {
    const error = fail(thrown);
    code = codeOf(error);
    throw error;
  } finally {
    finish(code);
  }
}

function codeOf(error: ConnectError): string {
  return codeToString(error.code as number as Code);
}

/** Options of {@link toConnectError}. */
export interface ToConnectErrorOptions {
  /** Named in the generic message of unexpected errors, so the log line can be found. */
  requestId: string;
  /** The call's signal: an error thrown because it aborted becomes its reason (deadline, cancel). */
  signal?: AbortSignal;
  /** @default flyteidlRegistry */
  registry?: Registry;
}

/**
 * Converts anything a handler threw into what the client receives:
 *
 * - `AloftError`: its code and (capped) message, and its `details` as `Any`-packed flyteidl messages, which
 *   gRPC carries in `grpc-status-details-bin` and REST in the `details` array.
 * - `ConnectError`: kept, with its message capped.
 * - anything else: INTERNAL with a generic message naming the request id (the cause stays in the log), unless the
 *   call's signal aborted, in which case the abort reason (DEADLINE_EXCEEDED, CANCELED) is reported.
 */
export function toConnectError(thrown: unknown, options: ToConnectErrorOptions): ConnectError {
  if (thrown instanceof AloftError) {
    const registry = options.registry ?? flyteidlRegistry;
    const details = thrown.details.flatMap((detail) => {
      const desc = registry.getMessage(detail.$typeName);
      return desc === undefined ? [] : [{ desc, value: detail as Message }];
    });
    return new ConnectError(
      thrown.rawMessage,
      thrown.code as number as ConnectCode,
      undefined,
      details as { desc: DescMessage; value: Message }[],
      thrown,
    );
  }
  if (thrown instanceof ConnectError) {
    const raw = capMessage(thrown.rawMessage);
    return raw === thrown.rawMessage
      ? thrown
      : new ConnectError(raw, thrown.code, thrown.metadata, undefined, thrown.cause ?? thrown);
  }
  const signal = options.signal;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof ConnectError) return reason;
    return new ConnectError("the request was canceled", ConnectCode.Canceled, undefined, undefined, thrown);
  }
  return new ConnectError(
    `internal error; the admin log has the details under request id ${options.requestId}`,
    ConnectCode.Internal,
    undefined,
    undefined,
    thrown,
  );
}
