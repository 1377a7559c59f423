/**
 * Admin's transport in one object: one port serving flyteidl's AdminService, SignalService, DataProxyService,
 * AuthMetadataService and IdentityService over gRPC, gRPC-Web and Connect (connect-node), the same services over
 * flyteadmin's REST routes, Aloft's WatchService (server streaming, and Server-Sent Events over HTTP), gRPC health
 * and reflection, `/healthcheck`, `/metrics` and signed blob URLs, with CORS in front of everything.
 */
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { ServerResponse } from "node:http";
import { AloftError, flyteidlRegistry } from "@aloft/idl";
import { WatchService } from "@aloft/idl/gen/aloft/admin/watch_pb";
import type { DescFile, DescMethodUnary } from "@bufbuild/protobuf";
import { Code as ConnectCode, ConnectError, createContextValues } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { FsBlobStore } from "@aloft/storage";
import type { Logger } from "pino";
import type { AdminConfig } from "../config/admin-config.js";
import type { AdminManagers } from "../managers/interfaces.js";
import { createFlyteServices, type ServiceRegistration, serviceRegistration } from "../rpc/flyte-services.js";
import type { ExecutionWatchSource } from "../watch/watch-execution-events.js";
import { createWatchServiceImpl } from "../watch/watch-service.js";
import { createWatchSseRoute, type WatchSseRoute } from "../watch/watch-sse-route.js";
import { createBlobRoute } from "./blob-route.js";
import { transportFromContentType, transportKey } from "./context-keys.js";
import { createCors } from "./cors.js";
import { createGrpcUnaryRoute } from "./grpc-unary-route.js";
import { createHttpServer, type ListenAddress } from "./create-http-server.js";
import { encodeGrpcMessage, respecGrpcMessage } from "./grpc-message.js";
import { grpcProtoRegistries } from "./grpc-protos.js";
import { createHealthServiceImpl, HealthService, HealthState } from "./health.js";
import { type Authenticate, createRpcInterceptor } from "./interceptors.js";
import { AdminMetrics } from "./metrics.js";
import type { NodeHandler, NodeRequest, NodeResponse } from "./node-types.js";
import { createReflectionServiceImpl, ReflectionIndex, reflectionServices } from "./reflection.js";
import { cleanPath, unescapePath } from "./rest-gateway/go-url.js";
import { createRestGateway } from "./rest-gateway/rest-gateway.js";
import { type RestRoute, restRoutesFor } from "./rest-gateway/rest-routes.js";
import { createServerStreamInvoker, type ServerStreamImpl } from "./server-stream-invoker.js";
import { createUnaryInvoker, type UnaryImpl, type UnaryInvoker } from "./unary-invoker.js";

/** Options of {@link createAdminServer}. */
export interface AdminServerOptions {
  /** The `server` section is what the transport reads. */
  config: Pick<AdminConfig, "server">;
  /** The managers behind the RPCs; the RPCs of absent ones answer UNIMPLEMENTED. */
  managers: Partial<AdminManagers>;
  logger: Logger;
  /** @default a new AdminMetrics with process metrics */
  metrics?: AdminMetrics;
  /** Serve this store's signed URLs under `blobPathPrefix`. */
  blobStore?: FsBlobStore;
  /** Must be the path of the store's signing `publicBaseUrl`. @default "/blobs" */
  blobPathPrefix?: string;
  /** The authentication seam. @default noAuthentication */
  authenticate?: Authenticate;
  /**
   * More gRPC services on the same port, behind the same interceptors (auth, logs, metrics), health and
   * reflection: `aloft start` serves the catalog's DataCatalog here.
   */
  extraServices?: readonly ServiceRegistration[];
  /** Serve Aloft's WatchService (gRPC family and Server-Sent Events) over this source; absent, it is not served. */
  watch?: {
    source: ExecutionWatchSource;
    /** Interval of the Server-Sent Events keep-alive comment. @default 15000 */
    heartbeatMs?: number;
  };
}

/** The running (or ready) admin transport. */
export interface AdminServer {
  /** Starts listening on `config.server.host`/`port`; resolves with the bound address and base URL. */
  listen(): Promise<ListenAddress & { url: string }>;
  /**
   * Graceful close: health turns NOT_SERVING, no new connections are accepted, in-flight requests finish; after
   * `server.gracefulShutdownTimeoutMs` the rest are cut and handler signals abort.
   */
  close(): Promise<void>;
  /** The request handler, usable on any `node:http`/`node:http2` server. */
  readonly handler: NodeHandler;
  readonly metrics: AdminMetrics;
  /** The REST route table derived from the `google.api.http` annotations. */
  readonly restRoutes: readonly RestRoute[];
}

/** gRPC clients need these to read errors from a browser; gorilla exposes nothing by default. */
const GRPC_EXPOSED_HEADERS = ["Grpc-Status", "Grpc-Message", "Grpc-Status-Details-Bin"];

/** Builds the server; nothing listens until {@link AdminServer.listen}. */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  const settings = options.config.server;
  const logger = options.logger.child({ component: "server" });
  const metrics = options.metrics ?? new AdminMetrics();
  const shutdown = new AbortController();
  // Every in-flight call links its signal to this one: more than 10 at once is normal, not a leak.
  setMaxListeners(0, shutdown.signal);
  const interceptors = [
    createRpcInterceptor({
      logger: options.logger.child({ component: "rpc" }),
      metrics,
      ...(options.authenticate === undefined ? {} : { authenticate: options.authenticate }),
    }),
  ];

  // Watches last as long as their execution: a graceful close ends them (UNAVAILABLE) instead of waiting.
  const watchStop = new AbortController();
  const watchImpl =
    options.watch === undefined
      ? undefined
      : createWatchServiceImpl({ source: options.watch.source, stopSignal: watchStop.signal });
  const watch = watchImpl === undefined ? undefined : serviceRegistration(WatchService, watchImpl);
  const flyteServices = [
    ...createFlyteServices(options.managers),
    ...(watch === undefined ? [] : [watch]),
    ...(options.extraServices ?? []),
  ];
  const serviceNames = flyteServices.map((s) => s.service.typeName);
  const health = new HealthState(serviceNames);
  const reflection = settings.grpc.serverReflection
    ? createReflectionServiceImpl(
        new ReflectionIndex({
          serviceNames: [...serviceNames, HealthService.typeName, ...reflectionServices.map((s) => s.typeName)],
          files: describedFiles(flyteServices.map((s) => s.service.file)),
        }),
      )
    : undefined;

  const restRoutes = restRoutesFor(flyteServices.map((s) => s.service));
  const invokers = new Map<string, UnaryInvoker>();
  for (const { service, impl } of flyteServices) {
    for (const method of service.methods) {
      if (method.methodKind !== "unary") continue;
      const fn = impl[method.localName];
      invokers.set(
        `${service.typeName}/${method.name}`,
        createUnaryInvoker({
          service,
          method: method as DescMethodUnary,
          impl: typeof fn === "function" ? (fn as UnaryImpl) : undefined,
          interceptors,
          shutdownSignal: shutdown.signal,
        }),
      );
    }
  }
  const gateway = createRestGateway({ routes: restRoutes, invokers, maxBodyBytes: settings.grpc.maxMessageSizeBytes });
  const watchEvents: WatchSseRoute | undefined =
    watchImpl === undefined
      ? undefined
      : createWatchSseRoute({
          invoker: createServerStreamInvoker({
            service: WatchService,
            method: WatchService.method.watchExecution,
            impl: watchImpl.watchExecution as ServerStreamImpl,
            interceptors,
            shutdownSignal: shutdown.signal,
          }),
          ...(options.watch?.heartbeatMs === undefined ? {} : { heartbeatMs: options.watch.heartbeatMs }),
        });
  const blobPrefix = (options.blobPathPrefix ?? "/blobs").replace(/\/+$/, "");
  const blobs = options.blobStore === undefined ? undefined : createBlobRoute({ store: options.blobStore });

  const fallback = async (req: NodeRequest, res: NodeResponse): Promise<void> => {
    const contentType = String(req.headers["content-type"] ?? "");
    if (contentType.startsWith("application/grpc")) return unknownGrpcMethod(req, res, serviceNames);
    const rawTarget = req.url ?? "/";
    const queryAt = rawTarget.indexOf("?");
    const rawPath = queryAt < 0 ? rawTarget : rawTarget.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? "" : rawTarget.slice(queryAt + 1);
    let path: string;
    try {
      path = unescapePath(rawPath);
    } catch {
      // Go's server rejects a malformed request URI before any handler runs, and closes the connection.
      if (res instanceof ServerResponse) res.shouldKeepAlive = false;
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end("400 Bad Request");
      return;
    }
    const clean = cleanPath(path);
    if (clean !== path && path.startsWith("/")) {
      // http.ServeMux's redirect to the canonical path.
      const location = clean.split("/").map(encodeURIComponent).join("/") + (rawQuery === "" ? "" : `?${rawQuery}`);
      res.writeHead(301, { location, "content-length": "0" });
      res.end();
      return;
    }
    if (path === "/healthcheck") {
      res.writeHead(200, { "content-length": "0" });
      res.end();
      return;
    }
    if (path === "/metrics" && req.method === "GET") {
      const { contentType: type, body } = await metrics.exposition();
      res.writeHead(200, { "content-type": type });
      res.end(body);
      return;
    }
    if (blobs !== undefined && path.startsWith(`${blobPrefix}/`)) return blobs(req, res);
    if (watchEvents !== undefined && (await watchEvents(req, res, { path, rawQuery }))) return;
    return gateway(req, res, { path, rawQuery });
  };

  const contextValues = (req: NodeRequest) => {
    const values = createContextValues();
    values.set(transportKey, transportFromContentType(req.headers["content-type"]));
    return values;
  };
  const connectHandler = connectNodeAdapter({
    routes(router) {
      for (const { service, impl } of flyteServices) router.service(service, impl);
      router.service(HealthService, createHealthServiceImpl(health));
      if (reflection !== undefined) for (const service of reflectionServices) router.service(service, reflection);
    },
    interceptors,
    readMaxBytes: settings.grpc.maxMessageSizeBytes,
    shutdownSignal: shutdown.signal,
    jsonOptions: { registry: flyteidlRegistry },
    contextValues,
    fallback(req, res) {
      fallback(req, res).catch((error: unknown) => {
        logger.error({ err: error, url: req.url }, "request failed outside any RPC");
        if (!res.headersSent) {
          res.writeHead(500, { "content-length": "0" });
          res.end();
        } else {
          res.destroy();
        }
      });
    },
  });

  const grpcUnary = createGrpcUnaryRoute({
    invokers,
    readMaxBytes: settings.grpc.maxMessageSizeBytes,
    contextValues,
  });

  const cors = settings.security.allowCors
    ? createCors({
        allowedOrigins: settings.security.allowedOrigins,
        allowedHeaders: settings.security.allowedHeaders,
        exposedHeaders: GRPC_EXPOSED_HEADERS,
      })
    : undefined;
  const handler: NodeHandler = (req, res) => {
    if (cors !== undefined && cors(req, res) === "handled") return;
    if (grpcUnary(req, res)) return;
    // Media types are case-insensitive (connect matches them so).
    const contentType = req.headers["content-type"]?.toLowerCase();
    if (contentType?.startsWith("application/grpc") && !contentType.startsWith("application/grpc-web")) {
      respecGrpcMessage(res);
    }
    connectHandler(req, res);
  };

  const tls = readTls(settings.security.ssl);
  const http = createHttpServer({
    handler,
    host: settings.host,
    port: settings.port,
    ...(tls === undefined ? {} : { tls }),
    readHeaderTimeoutMs: settings.readHeaderTimeoutMs,
    logger,
  });

  return {
    handler,
    metrics,
    restRoutes,
    async listen() {
      const address = await http.listen();
      const host = address.host.includes(":") ? `[${address.host}]` : address.host;
      const url = `${tls === undefined ? "http" : "https"}://${host}:${address.port}`;
      logger.info({ url, tls: tls !== undefined, restRoutes: restRoutes.length }, "admin listening");
      return { ...address, url };
    },
    async close() {
      health.shutdown();
      watchStop.abort();
      await http.close({
        timeoutMs: settings.gracefulShutdownTimeoutMs,
        onForce: () => shutdown.abort(new ConnectError("the server is shutting down", ConnectCode.Unavailable)),
      });
      logger.info("admin closed");
    },
  };
}

/** The served files, every flyteidl file and the health/reflection/status files, for reflection. */
function describedFiles(served: readonly DescFile[]): DescFile[] {
  const files = new Set<DescFile>(served);
  for (const type of flyteidlRegistry) files.add(type.file);
  for (const registry of grpcProtoRegistries) for (const file of registry.files) files.add(file);
  return [...files];
}

/** A gRPC client called a method nobody serves: answer as grpc-go does (UNIMPLEMENTED, trailers-only). */
function unknownGrpcMethod(req: NodeRequest, res: NodeResponse, serviceNames: readonly string[]): void {
  const [, service = "", method = ""] = /^\/([^/]*)\/([^/?]*)/.exec(req.url ?? "") ?? [];
  const message = serviceNames.includes(service)
    ? `unknown method ${method} for service ${service}`
    : `unknown service ${service}`;
  const grpcWeb = String(req.headers["content-type"]).startsWith("application/grpc-web");
  const headers = {
    "content-type": grpcWeb ? "application/grpc-web+proto" : "application/grpc",
    "grpc-status": String(ConnectCode.Unimplemented),
    "grpc-message": encodeGrpcMessage(message),
  };
  if ("stream" in res && res.stream !== undefined) {
    // Trailers-only: one HEADERS frame that ends the stream, which gRPC clients require for an error without body.
    res.stream.respond({ ":status": 200, ...headers }, { endStream: true });
    return;
  }
  res.writeHead(200, headers);
  res.end();
}

function readTls(ssl: AdminConfig["server"]["security"]["ssl"]): { cert: Buffer; key: Buffer } | undefined {
  if (ssl.certificateFile === undefined || ssl.keyFile === undefined) return undefined;
  const read = (path: string, key: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (cause) {
      throw AloftError.invalidArgument(`cannot read server.security.ssl.${key} ${path}`, { cause });
    }
  };
  return { cert: read(ssl.certificateFile, "certificateFile"), key: read(ssl.keyFile, "keyFile") };
}
