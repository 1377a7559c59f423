/*
 * propeller's attribute-path resolution (nodes/attr_path_resolver.go): a promise such as
 * `n0.o0.a["b"][0]` walks literal maps and collections, then continues inside a MessagePack binary
 * (dataclasses, Pydantic models) or a protobuf Struct (legacy dataclasses), and turns what it finds
 * back into the literal propeller would produce.
 */
import { create, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { LiteralSchema, type Binary, type Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { PromiseAttribute } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { NodeError } from "./execution-errors.js";
import { formatMsgpackGo, msgpackBytes, parseMsgpack, type MsgpackValue } from "./msgpack-value.js";

const RESOLVE_ERROR = "PromiseAttributeResolveError";
const INVALID_PRIMITIVE = "InvalidPrimitiveType";
const MESSAGEPACK = "msgpack";
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Walks `path` from `literal` (an output of node `nodeId`). Throws {@link NodeError} when a key or
 * index is missing or a value cannot be walked into. Quirks kept from propeller: an integer attribute
 * on a literal map looks up key `""` and a string attribute on a collection reads index 0; a path
 * that reaches a non-container scalar ignores the rest of the path.
 */
export function resolveAttrPath(nodeId: string, literal: Literal, path: readonly PromiseAttribute[]): Literal {
  let current = literal;
  let consumed = 0;
  for (const attr of path) {
    const v = current.value;
    if (v.case === "offloadedMetadata") {
      throw new NodeError(nodeId, RESOLVE_ERROR, "failed to read offloaded metadata for promise");
    }
    if (v.case === "map") {
      const key = attr.value.case === "stringValue" ? attr.value.value : "";
      const next = v.value.literals[key];
      if (next === undefined) {
        throw new NodeError(
          nodeId,
          RESOLVE_ERROR,
          `key [${key}] does not exist in literal map with keys [${Object.keys(v.value.literals).join(" ")}]`,
        );
      }
      current = next;
      consumed++;
    } else if (v.case === "collection") {
      const index = attr.value.case === "intValue" ? attr.value.value : 0;
      const next = index >= 0 ? v.value.literals[index] : undefined;
      if (next === undefined) {
        throw new NodeError(
          nodeId,
          RESOLVE_ERROR,
          `index [${index}] is out of range of collection of ${v.value.literals.length} literals`,
        );
      }
      current = next;
      consumed++;
    }
  }

  const scalar = current.value.case === "scalar" ? current.value.value.value : undefined;
  if (scalar?.case === "binary") return resolveInBinary(nodeId, scalar.value, path.slice(consumed));
  if (scalar?.case === "generic") return resolveInStruct(nodeId, scalar.value, path.slice(consumed));
  return current;
}

function describeAttr(attr: PromiseAttribute): string {
  return attr.value.case === "stringValue"
    ? "*core.PromiseAttribute_StringValue"
    : attr.value.case === "intValue"
      ? "*core.PromiseAttribute_IntValue"
      : "<nil>";
}

function resolveInBinary(nodeId: string, binary: Binary, path: readonly PromiseAttribute[]): Literal {
  if (binary.tag !== MESSAGEPACK) {
    throw new NodeError(
      nodeId,
      RESOLVE_ERROR,
      `Unsupported format '${binary.tag}' found for literal value.\nPlease ensure the serialization format is supported.`,
    );
  }
  const bytes = binary.value;
  let current: MsgpackValue;
  try {
    current = parseMsgpack(bytes);
  } catch (e) {
    throw new NodeError(nodeId, RESOLVE_ERROR, `failed to decode msgpack value: ${(e as Error).message}`);
  }
  for (const attr of path) {
    if (current.kind === "map") {
      if (attr.value.case !== "stringValue") {
        throw new NodeError(
          nodeId,
          RESOLVE_ERROR,
          `unexpected attribute type [${describeAttr(attr)}] for value ${attr.value.value}`,
        );
      }
      const key = attr.value.value;
      const entry = current.entries.find(([k]) => k.kind === "str" && k.value === key);
      if (entry === undefined) {
        throw new NodeError(
          nodeId,
          RESOLVE_ERROR,
          `key [${key}] does not exist in literal ${formatMsgpackGo(current)}`,
        );
      }
      current = entry[1];
    } else if (current.kind === "array") {
      if (attr.value.case !== "intValue") {
        throw new NodeError(
          nodeId,
          RESOLVE_ERROR,
          `unexpected attribute type [${describeAttr(attr)}] for value ${attr.value.value}`,
        );
      }
      const index = attr.value.value;
      const next = index >= 0 ? current.items[index] : undefined;
      if (next === undefined) {
        throw new NodeError(nodeId, RESOLVE_ERROR, `index [${index}] is out of range of ${formatMsgpackGo(current)}`);
      }
      current = next;
    } else {
      throw new NodeError(
        nodeId,
        RESOLVE_ERROR,
        `unexpected type [${goTypeOf(current)}] for value ${formatMsgpackGo(current)}`,
      );
    }
  }

  // A list becomes a collection of one binary per element: array nodes map over it.
  if (current.kind === "array") {
    return create(LiteralSchema, {
      value: {
        case: "collection",
        value: { literals: current.items.map((item) => binaryLiteral(msgpackBytes(bytes, item), binary.tag)) },
      },
    });
  }
  const primitive = primitiveOf(nodeId, current);
  if (primitive !== undefined) return primitive;
  // Anything else is passed on as the MessagePack bytes it was encoded with.
  return binaryLiteral(msgpackBytes(bytes, current), binary.tag);
}

function goTypeOf(value: MsgpackValue): string {
  switch (value.kind) {
    case "nil":
      return "<nil>";
    case "bool":
      return "bool";
    case "int":
      return "int64";
    case "float":
      return value.bits === 32 ? "float32" : "float64";
    case "str":
      return "string";
    case "bin":
      return "[]uint8";
    case "ext":
      return "ext";
    case "array":
      return "[]interface {}";
    case "map":
      return "map[interface {}]interface {}";
  }
}

function primitiveOf(nodeId: string, value: MsgpackValue): Literal | undefined {
  switch (value.kind) {
    case "str":
      return primitiveLiteral({ case: "stringValue", value: value.value });
    case "bool":
      return primitiveLiteral({ case: "boolean", value: value.value });
    case "float":
      return primitiveLiteral({ case: "floatValue", value: value.value });
    case "int":
      if (value.value > INT64_MAX) {
        throw new NodeError(nodeId, INVALID_PRIMITIVE, "uint64 value is too large to be converted to int64");
      }
      return primitiveLiteral({ case: "integer", value: value.value });
    default:
      return undefined;
  }
}

type PrimitiveValue =
  | { case: "stringValue"; value: string }
  | { case: "boolean"; value: boolean }
  | { case: "floatValue"; value: number }
  | { case: "integer"; value: bigint };

function primitiveLiteral(value: PrimitiveValue): Literal {
  return create(LiteralSchema, {
    value: { case: "scalar", value: { value: { case: "primitive", value: { value } } } },
  });
}

function binaryLiteral(bytes: Uint8Array, tag: string): Literal {
  return create(LiteralSchema, {
    value: { case: "scalar", value: { value: { case: "binary", value: { value: bytes, tag } } } },
  });
}

function resolveInStruct(nodeId: string, struct: JsonObject, path: readonly PromiseAttribute[]): Literal {
  let current: JsonValue = struct;
  for (const attr of path) {
    if (Array.isArray(current)) {
      const index = attr.value.case === "intValue" ? attr.value.value : 0;
      if (index < 0 || index >= current.length) {
        throw new NodeError(nodeId, RESOLVE_ERROR, `index [${index}] is out of range of ${JSON.stringify(current)}`);
      }
      current = current[index] as JsonValue;
    } else if (typeof current === "object" && current !== null) {
      const key = attr.value.case === "stringValue" ? attr.value.value : "";
      if (!Object.hasOwn(current, key)) {
        throw new NodeError(nodeId, RESOLVE_ERROR, `key [${key}] does not exist in literal ${JSON.stringify(current)}`);
      }
      current = current[key] as JsonValue;
    }
    // Go's switch has no default: attributes on a scalar are skipped.
  }
  return jsonToLiteral(current);
}

/** propeller's `convertInterfaceToLiteral` over a Struct's values (every number is a float there). */
function jsonToLiteral(value: JsonValue): Literal {
  if (Array.isArray(value)) {
    return create(LiteralSchema, { value: { case: "collection", value: { literals: value.map(jsonToLiteral) } } });
  }
  if (value === null) return create(LiteralSchema); // Go leaves the literal empty for a JSON null.
  switch (typeof value) {
    case "object":
      return create(LiteralSchema, {
        value: { case: "scalar", value: { value: { case: "generic", value } } },
      });
    case "string":
      return primitiveLiteral({ case: "stringValue", value });
    case "number":
      return primitiveLiteral({ case: "floatValue", value });
    case "boolean":
      return primitiveLiteral({ case: "boolean", value });
  }
}
