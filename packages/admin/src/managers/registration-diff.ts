/**
 * The "different structure" diff flyteadmin puts in its INVALID_ARGUMENT re-registration errors
 * (`errors.go` compareJsons over two `jsondiff.Compare` runs): one entry per JSON path whose value differs,
 * `<path>:\n\t- <stored> \n\t+ <new>`. Paths are JSON pointers over the proto-JSON rendering with proto field
 * names (flyteadmin diffs Go's struct JSON, whose paths spell oneofs differently); values print as Go's `%v`.
 */
import { type DescMessage, type JsonValue, type MessageShape, toJson } from "@bufbuild/protobuf";
import { flyteidlRegistry } from "@aloft/idl";

/** flyteadmin caps the diff at 3 MiB so the status still fits in a gRPC message. */
const MAX_DIFF_BYTES = 3 * 1024 * 1024;
const TRUNCATED_SUFFIX = "\n\n... [diff truncated — exceeded gRPC max message size]";

/**
 * `<prefix><diff lines joined by \n>`, truncated as flyteadmin does. `prefix` is e.g.
 * "t1 task with different structure already exists. (Please register a new version of the task):\n".
 */
export function differentStructureMessage<Desc extends DescMessage>(
  prefix: string,
  schema: Desc,
  stored: MessageShape<Desc> | undefined,
  incoming: MessageShape<Desc> | undefined,
): string {
  const lines: string[] = [];
  diffJson(render(schema, stored), render(schema, incoming), "", lines);
  const message = prefix + lines.join("\n");
  if (Buffer.byteLength(message, "utf8") <= MAX_DIFF_BYTES) return message;
  const cut = Buffer.from(message, "utf8").subarray(0, MAX_DIFF_BYTES - Buffer.byteLength(TRUNCATED_SUFFIX, "utf8"));
  return cut.toString("utf8").replace(/\uFFFD$/, "") + TRUNCATED_SUFFIX;
}

function render<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc> | undefined): JsonValue {
  if (message === undefined) return null;
  try {
    return toJson(schema, message, { useProtoFieldName: true, registry: flyteidlRegistry });
  } catch {
    return null;
  }
}

function diffJson(stored: JsonValue | undefined, incoming: JsonValue | undefined, path: string, out: string[]): void {
  if (isObject(stored) && isObject(incoming)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(incoming)])].sort();
    for (const key of keys) diffJson(stored[key], incoming[key], `${path}/${escapePointer(key)}`, out);
    return;
  }
  if (Array.isArray(stored) && Array.isArray(incoming)) {
    const length = Math.max(stored.length, incoming.length);
    for (let index = 0; index < length; index++) diffJson(stored[index], incoming[index], `${path}/${index}`, out);
    return;
  }
  if (JSON.stringify(stored) === JSON.stringify(incoming)) return;
  out.push(`${path}:\n\t- ${goText(stored)} \n\t+ ${goText(incoming)}`);
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Go's `%v` of a decoded JSON value: `<nil>`, `map[a:1 b:x]`, `[1 2]`, raw strings. */
function goText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goText).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${key}:${goText(value[key])}`);
    return `map[${entries.join(" ")}]`;
  }
  return String(value);
}
