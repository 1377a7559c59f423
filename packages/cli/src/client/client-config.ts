/**
 * flytectl's configuration file (`~/.flyte/config.yaml`, the same YAML flytekit reads): the parts `aloft` uses,
 * typed and checked. Other keys and sections (`logger`, `storage`, the OAuth details of `admin`) are accepted and
 * ignored, so one file serves flytectl, pyflyte and aloft alike.
 */
import { parse as parseYaml } from "yaml";
import { CliError } from "../cli-error.js";

/** flytestdlib's `admin.authType` values (flyteidl `clients/go/admin/config.go`). */
export const AUTH_TYPES = ["ClientSecret", "Pkce", "ExternalCommand", "DeviceFlow"] as const;

/** One of {@link AUTH_TYPES}. */
export type AuthType = (typeof AUTH_TYPES)[number];

/** The `admin` section. */
export interface AdminSection {
  /** `dns:///host:port`, `host:port`, `http://…` or `https://…`. */
  endpoint?: string;
  /** Plaintext gRPC (no TLS). */
  insecure?: boolean;
  /** TLS without checking the server's certificate. */
  insecureSkipVerify?: boolean;
  /** A PEM file of certificate authorities to trust, instead of the system's. */
  caCertFilePath?: string;
  /** How to authenticate when admin asks for it; aloft records it but authenticates with none of them yet. */
  authType?: AuthType;
  /** The largest response accepted, in bytes. */
  maxMessageSizeBytes?: number;
}

/** The `files` section: defaults for `register files` flags (flytectl's `FilesConfig`). */
export interface FilesSection {
  version?: string;
  force?: boolean;
  continueOnError?: boolean;
  archive?: boolean;
  assumableIamRole?: string;
  k8sServiceAccount?: string;
  outputLocationPrefix?: string;
  destinationDirectory?: string;
  dryRun?: boolean;
  enableSchedule?: boolean;
}

/** The parts of flytectl's configuration `aloft` reads. */
export interface ClientConfig {
  admin: AdminSection;
  console: { endpoint?: string };
  /** Defaults for `-p`, `-d` and `-o`. */
  root: { project?: string; domain?: string; output?: string };
  files: FilesSection;
}

/** A configuration with nothing set: what applies when there is no file. */
export function emptyClientConfig(): ClientConfig {
  return { admin: {}, console: {}, root: {}, files: {} };
}

/**
 * Parses the YAML text of a flytectl configuration file; `where` names the file in errors.
 *
 * @throws CliError (failure) naming the file and the key for unparsable YAML or a value of the wrong type.
 */
export function parseClientConfig(text: string, where: string): ClientConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw CliError.failure(`cannot parse the config file ${where}: ${reason}`, { cause: error });
  }
  if (document === null || document === undefined) return emptyClientConfig();
  const root = new Section(document, "", where);
  const admin = root.section("admin");
  const console = root.section("console");
  const rootSection = root.section("root");
  const files = root.section("files");
  return {
    admin: dropUndefined({
      endpoint: admin.string("endpoint"),
      insecure: admin.boolean("insecure"),
      insecureSkipVerify: admin.boolean("insecureSkipVerify"),
      caCertFilePath: admin.string("caCertFilePath"),
      authType: admin.authType("authType"),
      maxMessageSizeBytes: admin.positiveInteger("maxMessageSizeBytes"),
    }),
    console: dropUndefined({ endpoint: console.string("endpoint") }),
    root: dropUndefined({
      project: rootSection.string("project"),
      domain: rootSection.string("domain"),
      output: rootSection.string("output"),
    }),
    files: dropUndefined({
      version: files.string("version"),
      force: files.boolean("force"),
      continueOnError: files.boolean("continueOnError"),
      archive: files.boolean("archive"),
      assumableIamRole: files.string("assumableIamRole"),
      k8sServiceAccount: files.string("k8sServiceAccount") ?? files.string("k8ServiceAccount"),
      outputLocationPrefix: files.string("outputLocationPrefix"),
      destinationDirectory: files.string("destinationDirectory"),
      dryRun: files.boolean("dryRun"),
      enableSchedule: files.boolean("enableSchedule"),
    }),
  };
}

/** Typed reads of one mapping of the document; an absent or empty value reads as `undefined`. */
class Section {
  readonly #value: Record<string, unknown>;
  readonly #path: string;
  readonly #where: string;

  constructor(value: unknown, path: string, where: string) {
    if (value !== null && value !== undefined && (typeof value !== "object" || Array.isArray(value))) {
      throw invalid(
        where,
        path === "" ? "the file must hold a mapping of keys to values" : `${path} must be a mapping`,
      );
    }
    this.#value = (value ?? {}) as Record<string, unknown>;
    this.#path = path;
    this.#where = where;
  }

  section(key: string): Section {
    return new Section(this.#value[key], this.#key(key), this.#where);
  }

  string(key: string): string | undefined {
    const value = this.#value[key];
    if (value === null || value === undefined || value === "") return undefined;
    // YAML reads `version: 1` as a number; flytectl (viper) takes it as the string "1".
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (typeof value !== "string") throw invalid(this.#where, `${this.#key(key)} must be a string`);
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.#value[key];
    if (value === null || value === undefined) return undefined;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    throw invalid(this.#where, `${this.#key(key)} must be true or false`);
  }

  positiveInteger(key: string): number | undefined {
    const value = this.#value[key];
    if (value === null || value === undefined) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
    throw invalid(this.#where, `${this.#key(key)} must be a positive whole number`);
  }

  authType(key: string): AuthType | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const known = AUTH_TYPES.find((type) => type.toLowerCase() === value.toLowerCase());
    if (known === undefined) {
      throw invalid(this.#where, `${this.#key(key)} must be one of ${AUTH_TYPES.join(", ")}, not ${value}`);
    }
    return known;
  }

  #key(key: string): string {
    return this.#path === "" ? key : `${this.#path}.${key}`;
  }
}

function invalid(where: string, problem: string): CliError {
  return CliError.failure(`config file ${where}: ${problem}`, { hint: "fix the file, or point --config elsewhere" });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
