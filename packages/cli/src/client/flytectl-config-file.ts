/**
 * The file `flytectl config init` writes (`flytectl/cmd/configuration/configuration.go` and the template in
 * `flytectl/pkg/configutil/configutil.go`), byte for byte.
 */
import { isIP } from "node:net";
import { CliError } from "../cli-error.js";
import { DEFAULT_ADMIN_ENDPOINT } from "./client-settings.js";

/** The flags of `config init`. */
export interface ConfigInitInput {
  /** `--host`: admin's `host[:port]`, optionally with `dns:///`, `http://` or `https://` in front. */
  host?: string;
  /** `--insecure`: plaintext gRPC; only read together with `--host`. */
  insecure?: boolean;
  /** `--console`: the console's URL when it differs from admin's. */
  console?: string;
}

/** What goes into the file. */
export interface FlytectlConfigValues {
  /** Always `dns:///host[:port]`. */
  endpoint: string;
  insecure: boolean;
  console?: string;
}

const ENDPOINT_PREFIXES = ["dns:///", "http://", "https://"];

/**
 * flytectl's rules: with no `--host`, `dns:///localhost:30080` and insecure (the sandbox); with one, its
 * `host[:port]` behind `dns:///` and `--insecure` as given. The console URL is written as given.
 *
 * @throws CliError (usage) for a host or console that is not `name-or-ip[:port]`.
 */
export function flytectlConfigValues(input: ConfigInitInput): FlytectlConfigValues {
  let values: FlytectlConfigValues = { endpoint: `dns:///${DEFAULT_ADMIN_ENDPOINT}`, insecure: true };
  if (input.host !== undefined && input.host !== "") {
    const host = trimEndpoint(input.host);
    if (!isValidEndpointName(host)) {
      throw CliError.usage(`${host} invalid, please use a valid admin endpoint`, {
        hint: "e.g. --host flyte.example.com or --host localhost:30080",
      });
    }
    values = { endpoint: `dns:///${host}`, insecure: input.insecure === true };
  }
  if (input.console !== undefined && input.console !== "") {
    const consoleHost = trimEndpoint(input.console);
    if (!isValidEndpointName(consoleHost)) {
      throw CliError.usage(`${consoleHost} invalid, please use a valid console endpoint`, {
        hint: "e.g. --console https://console.example.com",
      });
    }
    values = { ...values, console: input.console };
  }
  return values;
}

/** The YAML text, as flytectl's template renders it. */
export function renderFlytectlConfig(values: FlytectlConfigValues): string {
  const lines = [
    "admin:",
    "  # For GRPC endpoints you might want to use dns:///flyte.myexample.com",
    `  endpoint: ${values.endpoint}`,
    `  insecure: ${values.insecure}`,
  ];
  if (values.console !== undefined) lines.push("console:", `  endpoint: ${values.console}`);
  return lines.join("\n") + "\n";
}

function trimEndpoint(value: string): string {
  let out = value;
  for (const prefix of ENDPOINT_PREFIXES) if (out.startsWith(prefix)) out = out.slice(prefix.length);
  return out;
}

// govalidator's IsDNSName: labels of letters, digits, `_` and `-`, optionally ending in `.` or `_`.
const DNS_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$/;

/** flytectl's `validateEndpointName`: `localhost`, or a DNS name or IPv4 address with an optional port. */
function isValidEndpointName(endpoint: string): boolean {
  if (endpoint === "localhost") return true;
  const parts = endpoint.split(":");
  if (parts.length > 2) return false;
  const [host = "", port] = parts;
  const hostOk = isIP(host) !== 0 || (host.replace(/\./g, "").length <= 255 && DNS_NAME.test(host));
  if (!hostOk) return false;
  if (port === undefined) return true;
  const number = Number(port);
  return /^[0-9]+$/.test(port) && number > 0 && number < 65536;
}
