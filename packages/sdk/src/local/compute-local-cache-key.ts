import { createHash } from "node:crypto";
import { create, toJson, type JsonValue } from "@bufbuild/protobuf";
import {
  LiteralMapSchema,
  LiteralSchema,
  type Literal,
  type LiteralMap,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";

/** Input of {@link computeLocalCacheKey}. */
export interface LocalCacheKeyInput {
  /** The task's name (its id's `name`). */
  taskName: string;
  /** `TaskMetadata.discovery_version`. */
  cacheVersion: string;
  inputs: LiteralMap;
  /** `TaskMetadata.cache_ignore_input_vars`: inputs left out of the key. */
  ignoreInputVars?: readonly string[];
}

/**
 * flytekit's local cache key: `<task name>-<cache version>-<hash of the inputs>`, where inputs named
 * in `ignoreInputVars` are dropped and any literal carrying a `hash` is replaced by just that hash
 * (inside lists and maps too), so large offloaded values key by their hash. The hash is SHA-256 over
 * a canonical encoding (protobuf JSON with every object's keys sorted), stable across runs and
 * insertion orders.
 */
export function computeLocalCacheKey(input: LocalCacheKeyInput): string {
  const ignored = new Set(input.ignoreInputVars ?? []);
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(input.inputs.literals)) {
    if (!ignored.has(name)) literals[name] = hashPlaced(literal);
  }
  const canonical = canonicalJson(toJson(LiteralMapSchema, create(LiteralMapSchema, { literals })));
  const digest = createHash("sha256").update(canonical).digest("hex");
  return `${input.taskName}-${input.cacheVersion}-${digest}`;
}

/** flytekit's `_recursive_hash_placement`. */
function hashPlaced(literal: Literal): Literal {
  if (literal.hash !== "") return create(LiteralSchema, { hash: literal.hash });
  const v = literal.value;
  if (v.case === "collection") {
    return create(LiteralSchema, {
      value: { case: "collection", value: { literals: v.value.literals.map(hashPlaced) } },
    });
  }
  if (v.case === "map") {
    const literals: Record<string, Literal> = {};
    for (const [key, value] of Object.entries(v.value.literals)) literals[key] = hashPlaced(value);
    return create(LiteralSchema, { value: { case: "map", value: { literals } } });
  }
  return literal;
}

/** JSON with object keys in sorted order, whatever order they were inserted in. */
function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
