import { fileURLToPath } from "node:url";

/** A blob value (`FlyteFile`, `FlyteDirectory`, `StructuredDataset`), recognised by shape across SDK copies. */
function blobUri(value: object): string | undefined {
  if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) return undefined;
  const { uri, path } = value as { uri?: unknown; path?: unknown };
  if (typeof uri === "string") return uri;
  return typeof path === "string" ? path : undefined;
}

/**
 * A value made plain for JSON: dates as ISO strings, 64-bit integers as numbers when exact (else
 * strings), files, directories and datasets as their URIs, records and lists element by element.
 */
export function runValueToJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(runValueToJson);
  const uri = blobUri(value);
  if (uri !== undefined) return uri;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, runValueToJson(v)]));
}

function localPath(uri: string): string {
  if (!uri.startsWith("file://")) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

const LINE_WIDTH = 80;

/** JSON on one line with spaces (`{"a": 1, "b": [1, 2]}`) when short, else indented, nested the same way. */
function prettyJson(value: unknown, indent: string): string {
  const flat = oneLine(value);
  if (flat.length + indent.length <= LINE_WIDTH || value === null || typeof value !== "object") return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(",\n")}\n${indent}}`;
}

function oneLine(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(oneLine).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`)
    .join(", ")}}`;
}

/**
 * A value as `aloft run` prints it: strings as they are, numbers and booleans as text, dates in ISO
 * form, local files and folders as paths, records and lists as JSON (on one line when short).
 */
export function formatRunValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "null";
  if (typeof value === "object" && !(value instanceof Date) && !Array.isArray(value)) {
    const uri = blobUri(value);
    if (uri !== undefined) return localPath(uri);
  }
  const plain = runValueToJson(value);
  return typeof plain === "string" ? plain : prettyJson(plain, "");
}

/** Options of {@link formatRunOutputs}. */
export interface FormatRunOutputsOptions {
  /** The run's outputs, as `run()` returns them. */
  outputs: unknown;
  /** Whether the entity has a single output (`output:`): its value is printed alone. */
  single: boolean;
  /** Print JSON instead of `name: value` lines. @default false */
  json?: boolean;
}

/**
 * What `aloft run` prints for outputs: the value of a single output alone, else one `name: value` line
 * per output (nothing for none); with `json`, the value or the object of outputs as JSON.
 */
export function formatRunOutputs(options: FormatRunOutputsOptions): string {
  const { outputs, single } = options;
  if (options.json === true) return `${JSON.stringify(runValueToJson(single ? outputs : (outputs ?? {})), null, 2)}\n`;
  if (single) return `${formatRunValue(outputs)}\n`;
  if (outputs === undefined || outputs === null) return "";
  const lines = Object.entries(outputs as Record<string, unknown>).map(([k, v]) => `${k}: ${formatRunValue(v)}`);
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
