/*
 * Flyte co-pilot's data handling for raw containers (flytecopilot/data/download.go, upload.go), on
 * local directories: inputs become one file (or folder) per variable plus `inputs.pb` and, by the
 * configured format, `inputs.json` or `inputs.yaml`; outputs are read back from files named after
 * the output variables (blobs and simple types only, as co-pilot), an `_ERROR` file failing the task.
 */
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, toBinary, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import {
  binaryLiteral,
  blobLiteral,
  booleanLiteral,
  datetimeLiteral,
  durationLiteral,
  errorLiteral,
  floatLiteral,
  genericLiteral,
  integerLiteral,
  noneLiteral,
  stringLiteral,
} from "@aloft/idl";
import { fileUri, type BlobStore } from "@aloft/storage";
import {
  LiteralMapSchema,
  LiteralSchema,
  type Literal,
  type LiteralMap,
  type Primitive,
  type Scalar,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { DataLoadingConfig_LiteralMapFormat } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { BlobType_BlobDimensionality, SimpleType, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { durationToNanos, formatGoDuration, formatGoFloatFixed, formatTimestamp } from "./go-format.js";
import { parseGoBool, parseGoDuration, parseGoFloat, parseGoInt, parseGoRfc3339 } from "./go-parse.js";

/**
 * The command with co-pilot's container paths (`data_config.input_path` / `output_path`, e.g. `/var/inputs`)
 * replaced by the local directories standing for them, since no volume is mounted there locally.
 */
export function replaceCopilotPaths(
  argv: readonly string[],
  dataConfig: { inputPath: string; outputPath: string },
  dirs: { inputDir: string; outputDir: string },
): string[] {
  const replace = (arg: string, path: string, replacement: string) =>
    path === "" ? arg : arg.split(path).join(replacement);
  return argv.map((arg) =>
    replace(replace(arg, dataConfig.inputPath, dirs.inputDir), dataConfig.outputPath, dirs.outputDir),
  );
}

/** Co-pilot's name for the file a container writes to report an error. */
export const COPILOT_ERROR_FILE = "_ERROR";
const MAX_PRIMITIVE_FILE_BYTES = 1024;
const MAX_ERROR_FILE_BYTES = 1024 * 1024;

/** Where blobs are read from and written to. */
export interface BlobAccess {
  /** Reads blob inputs and stores blob outputs; without it, only `file://` URIs and absolute paths work. */
  store: BlobStore | undefined;
  /** Where blob outputs go (`<prefix>/<variable>`): a URI of `store`, or a local directory (path or `file://`). */
  rawOutputPrefix: string;
}

/** A value as co-pilot puts it in `inputs.json` / `inputs.yaml`. */
type VarValue = JsonValue | bigint | Uint8Array | VarValue[] | { [key: string]: VarValue };

/** Writes the inputs into `dir` as co-pilot's downloader does. Throws `Error` for values co-pilot cannot write. */
export async function writeCopilotInputs(options: {
  inputs: LiteralMap;
  dir: string;
  format: DataLoadingConfig_LiteralMapFormat;
  blobs: BlobAccess;
}): Promise<void> {
  await mkdir(options.dir, { recursive: true });
  const values: Record<string, VarValue> = {};
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(options.inputs.literals)) {
    const written = await writeLiteral(literal, join(options.dir, name), options.blobs);
    values[name] = written.value;
    literals[name] = written.literal;
  }
  await writeFile(join(options.dir, "inputs.pb"), toBinary(LiteralMapSchema, create(LiteralMapSchema, { literals })));
  if (options.format === DataLoadingConfig_LiteralMapFormat.JSON) {
    await writeFile(join(options.dir, "inputs.json"), toJsonText(values));
  } else if (options.format === DataLoadingConfig_LiteralMapFormat.YAML) {
    await writeFile(join(options.dir, "inputs.yaml"), toYamlText(values));
  }
}

async function writeLiteral(
  literal: Literal,
  path: string,
  blobs: BlobAccess,
): Promise<{ value: VarValue; literal: Literal }> {
  const v = literal.value;
  switch (v.case) {
    case "scalar": {
      const written = await writeScalar(v.value, path, blobs);
      return {
        value: written.value,
        literal: create(LiteralSchema, { value: { case: "scalar", value: written.scalar } }),
      };
    }
    case "collection": {
      await mkdir(path, { recursive: true });
      const items = await Promise.all(
        v.value.literals.map((item, i) => writeLiteral(item, join(path, String(i)), blobs)),
      );
      return {
        value: items.map((i) => i.value),
        literal: create(LiteralSchema, {
          value: { case: "collection", value: { literals: items.map((i) => i.literal) } },
        }),
      };
    }
    case "map": {
      await mkdir(path, { recursive: true });
      const values: Record<string, VarValue> = {};
      const literals: Record<string, Literal> = {};
      for (const [key, item] of Object.entries(v.value.literals)) {
        const written = await writeLiteral(item, join(path, key), blobs);
        values[key] = written.value;
        literals[key] = written.literal;
      }
      return { value: values, literal: create(LiteralSchema, { value: { case: "map", value: { literals } } }) };
    }
    default:
      throw new Error(`unsupported literal type [${v.case ?? "<nil>"}]`);
  }
}

async function writeScalar(
  scalar: Scalar,
  path: string,
  blobs: BlobAccess,
): Promise<{ value: VarValue; scalar: Scalar }> {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const { text, value } = primitiveText(v.value);
      await writeFile(path, text);
      return { value, scalar };
    }
    case "blob": {
      const multipart = v.value.metadata?.type?.dimensionality === BlobType_BlobDimensionality.MULTIPART;
      await downloadBlob(v.value.uri, path, multipart, blobs);
      return {
        value: path,
        scalar: { ...scalar, value: { case: "blob", value: { ...v.value, uri: path } } },
      };
    }
    case "schema":
      await downloadBlob(v.value.uri, path, true, blobs);
      return { value: path, scalar: { ...scalar, value: { case: "schema", value: { ...v.value, uri: path } } } };
    case "binary":
      await writeFile(path, v.value.value);
      return { value: v.value.value, scalar };
    case "error":
      await writeFile(path, v.value.message);
      return { value: v.value.message, scalar };
    case "generic":
      await writeFile(path, JSON.stringify(v.value));
      return { value: v.value, scalar };
    case "union": {
      const inner = v.value.value;
      if (inner === undefined) throw new Error("union without a value");
      const written = await writeLiteral(inner, path, blobs);
      return {
        value: written.value,
        scalar: { ...scalar, value: { case: "union", value: { ...v.value, value: written.literal } } },
      };
    }
    case "noneType":
      await writeFile(path, "null");
      return { value: null, scalar };
    default:
      throw new Error(`unsupported scalar type [${v.case ?? "<nil>"}]`);
  }
}

/** The file content and JSON value co-pilot writes for a primitive. */
function primitiveText(primitive: Primitive): { text: string; value: VarValue } {
  const p = primitive.value;
  switch (p.case) {
    case "stringValue":
      return { text: p.value, value: p.value };
    case "boolean":
      return { text: String(p.value), value: p.value };
    case "integer":
      return { text: p.value.toString(), value: p.value };
    case "floatValue":
      return { text: formatGoFloatFixed(p.value), value: p.value };
    case "datetime": {
      const text = formatTimestamp(p.value);
      return { text, value: text };
    }
    case "duration":
      // Co-pilot's duration case shadows its result variable, so the JSON value stays null.
      return { text: formatGoDuration(durationToNanos(p.value)), value: null };
    default:
      return { text: "null", value: null };
  }
}

async function downloadBlob(uri: string, toPath: string, multipart: boolean, blobs: BlobAccess): Promise<void> {
  if (blobs.store !== undefined && !isLocal(uri)) {
    const store = blobs.store;
    if (!multipart) {
      await writeFile(toPath, await store.get(uri));
      return;
    }
    const prefix = uri.endsWith("/") ? uri : `${uri}/`;
    let found = 0;
    for await (const item of store.list(prefix)) {
      const target = join(toPath, item.slice(prefix.length));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await store.get(item));
      found++;
    }
    if (found === 0) throw new Error(`failed to collect items from multipart blob [${uri}]`);
    return;
  }
  const source = localPath(uri);
  if (multipart) await copyDirectory(source, toPath);
  else await copyFile(source, toPath);
}

async function copyDirectory(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await copyDirectory(source, target);
    else await copyFile(source, target);
  }
}

function isLocal(uri: string): boolean {
  return uri.startsWith("/") || uri.startsWith("file://");
}

/** A local path for a `file://` URI or an absolute path; throws for anything else. */
export function localPath(uri: string): string {
  if (uri.startsWith("file://")) return fileURLToPath(uri);
  if (uri.startsWith("/")) return uri;
  throw new Error(`cannot access [${uri}] locally: pass a blob store that can read it`);
}

/**
 * Reads the outputs a container left in `dir` (co-pilot's uploader). Throws `Error` with co-pilot's
 * message for an `_ERROR` file (`User Error: <content>`), a missing or oversized file, an unparsable
 * value, or an output type co-pilot does not support.
 */
export async function readCopilotOutputs(options: {
  dir: string;
  outputs: VariableMap | undefined;
  blobs: BlobAccess;
}): Promise<LiteralMap> {
  const errorFile = join(options.dir, COPILOT_ERROR_FILE);
  const errorInfo = await stat(errorFile).catch(() => undefined);
  if (errorInfo !== undefined) {
    if (errorInfo.isDirectory()) throw new CopilotUserError("error file is a directory");
    if (errorInfo.size > MAX_ERROR_FILE_BYTES) throw new CopilotUserError(`error file too large ${errorInfo.size}`);
    throw new CopilotUserError(`User Error: ${await readFile(errorFile, "utf8")}`);
  }
  const literals: Record<string, Literal> = {};
  for (const [name, variable] of Object.entries(options.outputs?.variables ?? {})) {
    const type = variable.type;
    const path = join(options.dir, name);
    if (type?.type.case === "blob") literals[name] = await uploadBlob(path, name, options.blobs);
    else if (type?.type.case === "simple") literals[name] = await readSimple(type.type.value, path);
    else throw new Error(`currently CoPilot uploader does not support [${describeType(type)}], system error`);
  }
  return create(LiteralMapSchema, { literals });
}

/** A failure the container itself reported through co-pilot's `_ERROR` file. */
export class CopilotUserError extends Error {
  override name = "CopilotUserError";
}

function describeType(type: LiteralType | undefined): string {
  return type === undefined ? "<nil>" : JSON.stringify(type.type.case);
}

/** co-pilot's `IsFileReadable`: the file, or the single `<name>.<ext>` next to it. */
async function readablePath(path: string): Promise<{ path: string; isDirectory: boolean; size: number }> {
  const info = await stat(path).catch(() => undefined);
  if (info !== undefined) return { path, isDirectory: info.isDirectory(), size: info.size };
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  const matches = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.startsWith(prefix));
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) {
    const found = join(dir, only);
    const foundInfo = await stat(found);
    return { path: found, isDirectory: foundInfo.isDirectory(), size: foundInfo.size };
  }
  throw new Error(`file not found at path [${path}]`);
}

async function readSimple(type: SimpleType, path: string): Promise<Literal> {
  const file = await readablePath(path);
  if (file.isDirectory) throw new Error(`expected file for type [${SimpleType[type]}], found dir at path [${path}]`);
  if (file.size > MAX_PRIMITIVE_FILE_BYTES) {
    throw new Error(`maximum allowed filesize is [${MAX_PRIMITIVE_FILE_BYTES}], but found [${file.size}]`);
  }
  const text = (await readFile(file.path, "utf8")).replace(/^[ \n\t]+|[ \n\t]+$/g, "");
  return literalForSimpleType(type, text);
}

/** flyteidl coreutils `MakeLiteralForSimpleType`. */
export function literalForSimpleType(type: SimpleType, text: string): Literal {
  switch (type) {
    case SimpleType.STRUCT: {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new Error(`failed to load generic type as json.: ${(e as Error).message}`, { cause: e });
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error("failed to load generic type as json.: not a JSON object");
      }
      return genericLiteral(parsed as JsonObject);
    }
    case SimpleType.BINARY:
      return binaryLiteral(new TextEncoder().encode(text), "msgpack");
    case SimpleType.ERROR:
      return errorLiteral({ message: text, failedNodeId: "" });
    case SimpleType.NONE:
      return noneLiteral();
    case SimpleType.INTEGER:
      return integerLiteral(wrap("failed to parse integer value", () => parseGoInt(text)));
    case SimpleType.FLOAT:
      return floatLiteral(wrap("failed to parse Float value", () => parseGoFloat(text)));
    case SimpleType.BOOLEAN:
      return booleanLiteral(wrap("failed to parse Bool value", () => parseGoBool(text)));
    case SimpleType.STRING:
      return stringLiteral(text);
    case SimpleType.DURATION: {
      const nanos = wrap("failed to parse Duration, valid formats: e.g. 300ms, -1.5h, 2h45m", () =>
        parseGoDuration(text),
      );
      const seconds = nanos / 1_000_000_000n;
      return durationLiteral({ seconds, nanos: Number(nanos - seconds * 1_000_000_000n) });
    }
    case SimpleType.DATETIME:
      return datetimeLiteral(wrap("failed to parse Datetime in RFC3339 format", () => parseGoRfc3339(text)));
    default:
      throw new Error(`unsupported type ${SimpleType[type] ?? type}`);
  }
}

function wrap<T>(message: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new Error(`${message}: ${(e as Error).message}`, { cause: e });
  }
}

async function uploadBlob(path: string, name: string, blobs: BlobAccess): Promise<Literal> {
  const file = await readablePath(path);
  const files = file.isDirectory ? await listFiles(file.path) : [file.path];
  let uri: string;
  if (blobs.store !== undefined && !isLocal(blobs.rawOutputPrefix)) {
    const store = blobs.store;
    uri = store.join(blobs.rawOutputPrefix, name);
    for (const f of files) await store.put(file.isDirectory ? store.join(uri, basename(f)) : uri, await readFile(f));
  } else {
    const target = join(localPath(blobs.rawOutputPrefix), name);
    await mkdir(file.isDirectory ? target : dirname(target), { recursive: true });
    // Co-pilot flattens a directory: each file keeps only its base name.
    for (const f of files) await copyFile(f, file.isDirectory ? join(target, basename(f)) : target);
    uri = fileUri(target);
  }
  return blobLiteral({ uri, format: "", dimensionality: file.isDirectory ? "multipart" : "single" });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

/** Go's `json.Marshal` of co-pilot's value map: keys sorted, bytes as base64, int64 exact. */
export function toJsonText(value: VarValue): string {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("base64"));
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, VarValue>)[k] ?? null)}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The same values as YAML (co-pilot converts its JSON with ghodss/yaml): keys sorted, block style. */
export function toYamlText(value: VarValue): string {
  return yamlLines(value, 0).join("\n") + "\n";
}

function yamlLines(value: VarValue, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      const lines = yamlLines(item, indent + 2);
      const first = (lines[0] ?? "").trimStart();
      return [`${pad}- ${first}`, ...lines.slice(1)];
    });
  }
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return [`${pad}{}`];
    return keys.flatMap((k) => {
      const item = (value as Record<string, VarValue>)[k] ?? null;
      const key = yamlScalar(k);
      if (isBlock(item)) return [`${pad}${key}:`, ...yamlLines(item, Array.isArray(item) ? indent : indent + 2)];
      return [`${pad}${key}: ${yamlScalar(item)}`];
    });
  }
  return [`${pad}${yamlScalar(value)}`];
}

function isBlock(value: VarValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && typeof value === "object" && !(value instanceof Uint8Array) && Object.keys(value).length > 0;
}

function yamlScalar(value: VarValue): string {
  if (value === null) return "null";
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "string") {
    const plain = /^[A-Za-z_./][A-Za-z0-9_./ -]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value);
    return plain && !value.endsWith(" ") ? value : JSON.stringify(value);
  }
  return String(value);
}
