import { CliError } from "../cli-error.js";

/** Where admin's gRPC service is, as a URL a Connect transport takes. */
export interface AdminEndpoint {
  /** `http://host:port` (plaintext HTTP/2) or `https://host:port` (TLS). */
  baseUrl: string;
  tls: boolean;
}

/** gRPC's default port when an endpoint names none (grpc-go's dns resolver). */
const GRPC_DEFAULT_PORT = 443;

/**
 * Turns an admin endpoint as flytectl and flytekit write it into a URL: `dns:///host:port` (gRPC's target
 * syntax, what `config init` writes) and a bare `host[:port]` take TLS unless `insecure`; `http://` always means
 * plaintext and `https://` always TLS. Without a port, gRPC's 443 applies (a URL's own default with a scheme).
 *
 * @throws CliError (usage) naming `source` when the value is no endpoint.
 */
export function parseAdminEndpoint(endpoint: string, options: { insecure: boolean; source: string }): AdminEndpoint {
  const value = endpoint.trim();
  const bad = (why: string) =>
    CliError.usage(`${options.source}: ${JSON.stringify(endpoint)} is not an admin endpoint (${why})`, {
      hint: "use dns:///host:port, host:port, http://host:port or https://host:port",
    });
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw bad("not a valid URL");
    }
    if (url.pathname !== "/" && url.pathname !== "") throw bad("gRPC endpoints have no path");
    return { baseUrl: `${scheme}://${url.host}`, tls: scheme === "https" };
  }
  let authority: string;
  if (scheme === "dns") {
    // `dns:///host:port`, or `dns://resolver/host:port`: the target is the path.
    const rest = value.slice("dns://".length);
    authority = rest.slice(rest.indexOf("/") + 1);
    if (!rest.includes("/")) throw bad("write dns:///host:port, with three slashes");
  } else if (scheme === undefined) {
    authority = value;
  } else {
    throw bad(`unknown scheme ${scheme}://`);
  }
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:/[\]\s]+)(?::([0-9]{1,5}))?$/.exec(authority);
  if (match === null) throw bad("expected host or host:port");
  const host = match[1] as string;
  const port = match[2] === undefined ? GRPC_DEFAULT_PORT : Number(match[2]);
  if (port < 1 || port > 65535) throw bad("the port must be from 1 to 65535");
  const tls = !options.insecure;
  return { baseUrl: `${tls ? "https" : "http"}://${host}:${port}`, tls };
}
