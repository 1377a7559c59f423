import type { JsonObject } from "@bufbuild/protobuf";

// The order in which mashumaro's `JSONSchema.to_dict()` writes keywords (its dataclass field order),
// so our schemas read exactly like flytekit's.
const KEYWORD_ORDER = [
  "$schema",
  "type",
  "enum",
  "const",
  "format",
  "title",
  "description",
  "anyOf",
  "$ref",
  "$defs",
  "default",
  "deprecated",
  "examples",
  "properties",
  "patternProperties",
  "additionalProperties",
  "propertyNames",
  "prefixItems",
  "items",
  "contains",
  "required",
];

/** `schema` with `description` added, keywords in mashumaro's order. */
export function withSchemaDescription(schema: JsonObject, description: string | undefined): JsonObject {
  if (description === undefined || description === "") return schema;
  const merged: JsonObject = { ...schema, description };
  const rank = (k: string): number => {
    const i = KEYWORD_ORDER.indexOf(k);
    return i < 0 ? KEYWORD_ORDER.length : i;
  };
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => rank(a) - rank(b)));
}
