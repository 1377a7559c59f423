/**
 * CORS exactly as flyteadmin applies it (gorilla/handlers v1.5.1 `CORS` with `AllowCredentials`,
 * `AllowedOrigins(security.allowedOrigins)`, `AllowedHeaders(["Content-Type", …security.allowedHeaders])` and
 * methods GET, POST, DELETE, HEAD, PUT, PATCH), in front of every route, REST and gRPC-Web alike.
 */
import type { NodeRequest, NodeResponse } from "./node-types.js";

/** Options of {@link createCors}. */
export interface CorsOptions {
  /** `*` allows any origin (and is echoed as `*`); otherwise exact origins. */
  allowedOrigins: readonly string[];
  /** Request headers allowed beyond gorilla's defaults (Accept, Accept-Language, Content-Language, Origin). */
  allowedHeaders: readonly string[];
  /** @default GET, POST, DELETE, HEAD, PUT, PATCH */
  allowedMethods?: readonly string[];
  /** Response headers a browser may read (gorilla's `ExposedHeaders`). @default [] */
  exposedHeaders?: readonly string[];
}

/** What the middleware did: answered the request itself, or let it through (with CORS headers set). */
export type CorsOutcome = "handled" | "continue";

/** Runs before routing; returns "handled" when it answered (preflights, refused preflights). */
export type CorsMiddleware = (req: NodeRequest, res: NodeResponse) => CorsOutcome;

const DEFAULT_HEADERS = ["Accept", "Accept-Language", "Content-Language", "Origin"];
const SIMPLE_METHODS = ["GET", "HEAD", "POST"];

/** Builds the middleware. */
export function createCors(options: CorsOptions): CorsMiddleware {
  const anyOrigin = options.allowedOrigins.includes("*");
  const origins = anyOrigin ? ["*"] : [...options.allowedOrigins];
  const allowedHeaders = unique(
    [...DEFAULT_HEADERS, "Content-Type", ...options.allowedHeaders].map(canonicalHeaderKey),
  );
  const allowedMethods = unique(
    (options.allowedMethods ?? ["GET", "POST", "DELETE", "HEAD", "PUT", "PATCH"]).map((m) => m.trim().toUpperCase()),
  );
  const exposed = unique((options.exposedHeaders ?? []).map(canonicalHeaderKey));

  const originAllowed = (origin: string): boolean =>
    origin !== "" && (origins.length === 0 || origins.some((o) => o === origin || o === "*"));

  return (req, res) => {
    const origin = firstHeader(req, "origin");
    const isOptions = req.method === "OPTIONS";
    if (!originAllowed(origin)) {
      if (!isOptions) return "continue";
      // gorilla answers a preflight from a foreign origin with an empty 200 and no CORS headers.
      res.writeHead(200, { "content-length": "0" });
      res.end();
      return "handled";
    }

    const headers: Record<string, string> = {};
    if (isOptions) {
      if (req.headers["access-control-request-method"] === undefined) return refuse(res, 400);
      const method = firstHeader(req, "access-control-request-method");
      if (!allowedMethods.includes(method)) return refuse(res, 405);
      const requested: string[] = [];
      for (const raw of firstHeader(req, "access-control-request-headers").split(",")) {
        const name = canonicalHeaderKey(raw.trim());
        if (name === "" || DEFAULT_HEADERS.includes(name)) continue;
        if (!allowedHeaders.includes(name)) return refuse(res, 403);
        requested.push(name);
      }
      if (requested.length > 0) headers["access-control-allow-headers"] = requested.join(",");
      if (!SIMPLE_METHODS.includes(method)) headers["access-control-allow-methods"] = method;
    } else if (exposed.length > 0) {
      headers["access-control-expose-headers"] = exposed.join(",");
    }
    headers["access-control-allow-credentials"] = "true";
    if (origins.length > 1) headers["vary"] = "Origin";
    headers["access-control-allow-origin"] = origins.length === 0 || anyOrigin ? "*" : origin;

    if (isOptions) {
      res.writeHead(200, { ...headers, "content-length": "0" });
      res.end();
      return "handled";
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    return "continue";
  };
}

/** Go's `textproto.CanonicalMIMEHeaderKey`: `x-grpc-web` → `X-Grpc-Web`; keys with invalid bytes stay as they are. */
export function canonicalHeaderKey(key: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]*$/.test(key)) return key;
  return key.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

function refuse(res: NodeResponse, status: number): CorsOutcome {
  res.writeHead(status, { "content-length": "0" });
  res.end();
  return "handled";
}

function firstHeader(req: NodeRequest, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
