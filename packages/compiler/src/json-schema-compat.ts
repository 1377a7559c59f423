import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/**
 * JSON-schema checks behind STRUCT castability (dataclasses and Pydantic models carry their JSON
 * schema in `LiteralType.metadata`).
 *
 * Flyte accepts an upstream schema that is structurally equal to the downstream one, or a superset of
 * it as judged by gitlab.com/yvesf/json-schema-compare. That library is not available to port, so
 * {@link isJsonSchemaSuperset} re-states its documented rule: every property the downstream schema
 * declares must exist upstream with a compatible type, recursively; keywords the library does not
 * implement (`additionalProperties`, `anyOf`, …) never fail the check.
 */
export function isSameJsonSchema(upstream: JsonObject, downstream: JsonObject): boolean {
  return jsonEqual(upstream, downstream);
}

/** Whether `upstream` provides everything `downstream` describes (see the module comment). */
export function isJsonSchemaSuperset(upstream: JsonObject, downstream: JsonObject): boolean {
  if (!isWellFormedSchema(upstream) || !isWellFormedSchema(downstream)) return false;
  return covers({ root: upstream, node: upstream }, { root: downstream, node: downstream }, 0);
}

interface SchemaAt {
  root: JsonObject;
  node: JsonValue;
}

const MAX_DEPTH = 64;

function covers(sup: SchemaAt, sub: SchemaAt, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  const a = resolveRef(sup);
  const b = resolveRef(sub);
  if (!isObject(a.node) || !isObject(b.node)) return true;
  const supTypes = typeSet(a.node["type"]);
  const subTypes = typeSet(b.node["type"]);
  if (supTypes !== undefined && subTypes !== undefined) {
    for (const t of subTypes) if (!supTypes.has(t) && !(t === "number" && supTypes.has("integer"))) return false;
  }
  const subProps = b.node["properties"];
  if (isObject(subProps)) {
    const supProps = a.node["properties"];
    for (const name of Object.keys(subProps)) {
      if (!isObject(supProps) || !(name in supProps)) return false;
      if (
        !covers(
          { root: a.root, node: supProps[name] ?? null },
          { root: b.root, node: subProps[name] ?? null },
          depth + 1,
        )
      ) {
        return false;
      }
    }
  }
  const subItems = b.node["items"];
  const supItems = a.node["items"];
  if (subItems !== undefined && supItems !== undefined) {
    if (!covers({ root: a.root, node: supItems }, { root: b.root, node: subItems }, depth + 1)) return false;
  }
  return true;
}

function resolveRef(at: SchemaAt): SchemaAt {
  let node = at.node;
  for (let hops = 0; hops < MAX_DEPTH && isObject(node) && typeof node["$ref"] === "string"; hops++) {
    const target = lookupPointer(at.root, node["$ref"]);
    if (target === undefined) break;
    node = target;
  }
  return { root: at.root, node };
}

function lookupPointer(root: JsonObject, ref: string): JsonValue | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: JsonValue | undefined = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

function typeSet(value: JsonValue | undefined): Set<string> | undefined {
  if (typeof value === "string") return new Set([value]);
  if (Array.isArray(value)) return new Set(value.filter((v): v is string => typeof v === "string"));
  return undefined;
}

/** The shapes a JSON-schema compiler would reject outright, which make Flyte's check fail. */
function isWellFormedSchema(schema: JsonValue, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof schema === "boolean") return true;
  if (!isObject(schema)) return false;
  const type = schema["type"];
  if (
    type !== undefined &&
    typeof type !== "string" &&
    !(Array.isArray(type) && type.every((t) => typeof t === "string"))
  ) {
    return false;
  }
  const props = schema["properties"];
  if (props !== undefined) {
    if (!isObject(props)) return false;
    for (const v of Object.values(props)) if (!isWellFormedSchema(v, depth + 1)) return false;
  }
  const required = schema["required"];
  if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === "string"))) {
    return false;
  }
  return true;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && jsonEqual(a[k], b[k]));
}
