/**
 * One port for every protocol. Without TLS a `net` listener reads the first bytes of each connection: the HTTP/2
 * client preface (`PRI * HTTP/2.0…`, sent by gRPC clients and `--http2-prior-knowledge`) goes to a `node:http2`
 * server (h2c), anything else to a `node:http` server. With TLS one `http2.createSecureServer` negotiates h2 or
 * HTTP/1.1 by ALPN. Both paths share one request handler.
 */
import { createServer as createHttp1Server, type IncomingMessage, ServerResponse } from "node:http";
import {
  createSecureServer,
  createServer as createHttp2Server,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
  type Http2SecureServer,
} from "node:http2";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import type { NodeHandler, NodeRequest, NodeResponse } from "./node-types.js";
import { createTurnQueue } from "./request-turns.js";

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  handler: NodeHandler;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM certificate and key; when given, serve TLS with ALPN (`h2`, `http/1.1`). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Time allowed to receive an HTTP/1 request's headers. */
  readHeaderTimeoutMs: number;
  logger: Logger;
}

/** Where the server listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** A listening (or ready to listen) single-port server. */
export interface HttpServer {
  /** Starts listening; resolves with the bound address (the real port when 0 was asked). */
  listen(): Promise<ListenAddress>;
  /**
   * Graceful close: stop accepting connections, let in-flight requests finish (new requests on open HTTP/1
   * connections are answered with `Connection: close`; HTTP/2 sessions get GOAWAY), then, after `timeoutMs`, cut
   * whatever is left and call `onForce` (to abort handler signals). Resolves when every connection is gone.
   */
  close(options: { timeoutMs: number; onForce?: () => void }): Promise<void>;
  /** Requests currently being handled. */
  readonly inFlight: number;
}

/** Builds the single-port server around `handler`. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const log = options.logger;
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  const responses = new Set<NodeResponse>();
  // HTTP/1.1-over-TLS connections and their responses in progress, to close the idle ones on shutdown (the plain
  // HTTP/1 server tracks its own connections).
  const tlsHttp1 = new Map<TLSSocket, number>();
  let closing = false;
  const turns = createTurnQueue();

  const endIfIdle = (socket: TLSSocket): void => {
    if (closing && tlsHttp1.get(socket) === 0) socket.end();
  };

  const handle = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    const response = res as NodeResponse;
    responses.add(response);
    const tls = res instanceof ServerResponse && req.socket instanceof TLSSocket ? req.socket : undefined;
    if (tls) tlsHttp1.set(tls, (tlsHttp1.get(tls) ?? 0) + 1);
    res.once("close", () => {
      responses.delete(response);
      if (tls && tlsHttp1.has(tls)) {
        tlsHttp1.set(tls, tlsHttp1.get(tls)! - 1);
        setImmediate(() => endIfIdle(tls));
      }
    });
    if (closing && res instanceof ServerResponse) res.shouldKeepAlive = false;
    turns(() => options.handler(req as NodeRequest, response));
  };

  const trackSession = (session: Http2Session): void => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    session.on("error", (error) => log.debug({ err: error }, "http2 session error"));
    if (closing) session.close();
  };

  const trackSocket = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", (error) => log.debug({ err: error }, "connection error"));
  };

  let listener: NetServer | Http2SecureServer;
  let http1: ReturnType<typeof createHttp1Server> | undefined;

  if (options.tls) {
    const secure = createSecureServer(
      { ...options.tls, allowHTTP1: true, ALPNProtocols: ["h2", "http/1.1"], noDelay: true },
      handle,
    );
    secure.on("session", trackSession);
    secure.on("connection", trackSocket);
    secure.on("tlsClientError", (error) => log.debug({ err: error }, "tls handshake failed"));
    secure.on("secureConnection", (socket: TLSSocket) => {
      if (socket.alpnProtocol === "h2") return;
      tlsHttp1.set(socket, 0);
      socket.once("close", () => tlsHttp1.delete(socket));
    });
    listener = secure;
  } else {
    const h1 = createHttp1Server({ headersTimeout: options.readHeaderTimeoutMs, requestTimeout: 0 }, handle);
    // This server never listens itself (connections arrive by "connection" events); "listening" turns on its
    // connection tracking, which header timeouts and closeIdleConnections() rely on.
    h1.emit("listening");
    // No "clientError" listener: node's default answers 400/408/431 only when no response is under way, which
    // matters when a client keeps sending a body the server already answered.
    const h2: Http2Server = createHttp2Server({}, handle);
    h2.on("session", trackSession);
    http1 = h1;
    // Without noDelay, Nagle's algorithm holds small HTTP/2 frames back until the peer's delayed ACK (about 40 ms
    // on Linux): every unary gRPC call would take that long. node:http sets it for its own sockets; this listener
    // accepts the sockets itself.
    listener = createNetServer({ noDelay: true }, (socket) => {
      trackSocket(socket);
      if (closing) {
        socket.destroy();
        return;
      }
      sniff(socket, options.readHeaderTimeoutMs, (head, isHttp2) => {
        socket.unshift(head);
        if (isHttp2) {
          // The session consumes the socket's native handle and first feeds it what is buffered in JS (node's
          // http2 does so for sockets that arrive with data already read), so the sniffed bytes are not lost and
          // every later byte takes the native path.
          h2.emit("connection", socket);
        } else {
          h1.emit("connection", socket);
          socket.resume();
        }
      });
    });
  }

  return {
    get inFlight() {
      return responses.size;
    },

    listen() {
      return new Promise((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(options.port, options.host, () => {
          listener.off("error", reject);
          const address = listener.address() as AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      });
    },

    close({ timeoutMs, onForce }) {
      closing = true;
      listener.close(() => undefined);
      // HTTP/1: responses not yet started ask the client to close; idle keep-alive connections close now and
      // busy ones once their response is done. HTTP/2: GOAWAY, then the session ends with its last stream.
      for (const res of responses) {
        if (res instanceof ServerResponse && !res.headersSent) res.shouldKeepAlive = false;
      }
      for (const session of sessions) session.close();
      for (const socket of tlsHttp1.keys()) endIfIdle(socket);
      // Connections still being sniffed have sent no complete request yet, so nothing is in flight there.
      for (const socket of sockets) if (pendingSniff.has(socket)) socket.destroy();
      const deadline = setTimeout(() => {
        log.warn({ connections: sockets.size, inFlight: responses.size }, "graceful close timed out; cutting");
        onForce?.();
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, timeoutMs);
      return new Promise<void>((resolve) => {
        const poll = (): void => {
          http1?.closeIdleConnections();
          if (sockets.size === 0 && sessions.size === 0) {
            clearTimeout(deadline);
            http1?.close();
            resolve();
            return;
          }
          setTimeout(poll, 20);
        };
        poll();
      });
    },
  };
}

/** Sockets whose protocol is not known yet. */
const pendingSniff = new WeakSet<Socket>();

/**
 * Reads until the bytes either are the full HTTP/2 preface or cannot be its beginning, then hands them over with
 * the socket paused. A client that sends nothing for `timeoutMs` is disconnected.
 */
function sniff(socket: Socket, timeoutMs: number, decided: (head: Buffer, isHttp2: boolean) => void): void {
  pendingSniff.add(socket);
  socket.setTimeout(timeoutMs, () => socket.destroy());
  let head: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    head = head.byteLength === 0 ? chunk : Buffer.concat([head, chunk]);
    const compared = Math.min(head.byteLength, HTTP2_PREFACE.byteLength);
    const prefixMatches = head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (prefixMatches && head.byteLength < HTTP2_PREFACE.byteLength) return;
    socket.off("data", onData);
    socket.pause();
    socket.setTimeout(0);
    pendingSniff.delete(socket);
    decided(head, prefixMatches);
  };
  socket.on("data", onData);
}
