import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { LiteralTypeSchema, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { literalTypeToString } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { isCastable } from "./index.js";

const T = (json: object): LiteralType => fromJson(LiteralTypeSchema, json as JsonObject);
const INT = { simple: "INTEGER" };
const FLOAT = { simple: "FLOAT" };
const STR = { simple: "STRING" };
const NONE = { simple: "NONE" };
const list = (t: object) => ({ collectionType: t });
const map = (t: object) => ({ mapValueType: t });
const union = (...variants: object[]) => ({ unionType: { variants } });
const tag = (t: object, tagName: string) => ({ ...t, structure: { tag: tagName } });
const blob = (format: string, dimensionality = "SINGLE") => ({ blob: { format, dimensionality } });
const schema = (...cols: [string, string][]) => ({ schema: { columns: cols.map(([name, type]) => ({ name, type })) } });
const sd = (format: string, ...cols: [string, object][]) => ({
  structuredDatasetType: { format, columns: cols.map(([name, literalType]) => ({ name, literalType })) },
});
const struct = (metadata?: object) => (metadata === undefined ? { simple: "STRUCT" } : { simple: "STRUCT", metadata });

/** Mashumaro-style JSON schema of a dataclass. */
const dataclass = (title: string, props: Record<string, object>, required = Object.keys(props)) => ({
  title,
  type: "object",
  required,
  properties: props,
  AdditionalProperties: false,
});
const A = dataclass("A", { a: { type: "integer" } });
const B = dataclass("B", { b: A });
const C = dataclass("C", { c: { type: "string" } });
const D = dataclass("D", { d: C });
const childOfA = dataclass(
  "B",
  { a: { type: "integer" }, b: { anyOf: [{ type: "string" }, { type: "null" }], default: null } },
  ["a", "b"],
);

// [description, upstream, downstream, castable] — Flyte's validators/typing_test.go and propeller.md §1.5.
const cases: [string, object, object, boolean][] = [
  ["integer to integer", INT, INT, true],
  ["integer to float", INT, FLOAT, false],
  ["float to integer", FLOAT, INT, false],
  ["none to integer (not nullable)", NONE, INT, false],
  ["none to none", NONE, NONE, true],
  ["integer to none", INT, NONE, false],
  ["metadata is ignored", { ...INT, metadata: { a: 1 } }, INT, true],
  ["annotation is ignored", { ...INT, annotation: { annotations: { k: "v" } } }, INT, true],
  ["enum to string", { enumType: { values: ["x", "y"] } }, STR, true],
  ["string to enum", STR, { enumType: { values: ["x", "y"] } }, true],
  ["enum to the same enum", { enumType: { values: ["x", "y"] } }, { enumType: { values: ["x", "y"] } }, true],
  ["enum to a different enum", { enumType: { values: ["x", "y"] } }, { enumType: { values: ["m", "n"] } }, false],
  ["a tagged upstream needs the same tag", tag(STR, "a"), tag(STR, "b"), false],
  ["a tagged upstream fits the same tag", tag(STR, "a"), tag(STR, "a"), true],
  ["an untagged upstream ignores the downstream tag", STR, tag(STR, "a"), true],
  ["string to (int | str)", STR, union(tag(INT, "int"), tag(STR, "str")), true],
  ["string to (str | str) is ambiguous", STR, union(tag(STR, "str1"), tag(STR, "str2")), false],
  [
    "union to a superset union",
    union(tag(STR, "s1"), tag(STR, "s2")),
    union(tag(STR, "s1"), tag(INT, "i"), tag(STR, "s2")),
    true,
  ],
  [
    "union to a union with other tags",
    union(tag(STR, "s1"), tag(STR, "s2")),
    union(tag(INT, "s2"), tag(STR, "s3")),
    false,
  ],
  ["union to a union of other types", union(tag(STR, "t")), union(tag(INT, "t")), false],
  ["single-variant union to its variant", union(tag(STR, "string")), tag(STR, "string"), true],
  ["optional int to int", union(INT, NONE), INT, false],
  ["int to optional int", INT, union(INT, NONE), true],
  ["none to optional int", NONE, union(INT, NONE), true],
  ["[int] to [int]", list(INT), list(INT), true],
  ["[] (none elements) to [int]", list(NONE), list(INT), true],
  ["[int] to [float]", list(INT), list(FLOAT), false],
  ["[int] to int", list(INT), INT, false],
  ["[int] to [[int]]", list(INT), list(list(INT)), false],
  ["none to [int]", NONE, list(INT), false],
  ["[single-variant union] to [its variant] (no unwrap inside lists)", list(union(INT)), list(INT), false],
  ["{int} to {int}", map(INT), map(INT), true],
  ["{int} to {float}", map(INT), map(FLOAT), false],
  ["{none} to {float}", map(NONE), map(FLOAT), true],
  ["{int} to int", map(INT), INT, false],
  ["{int} to {{int}}", map(INT), map(map(INT)), false],
  ["struct to struct", struct(), struct(), true],
  ["struct without schema to struct with one", struct(), struct(A), true],
  ["same dataclass", struct(A), struct(A), true],
  ["same nested dataclass", struct(B), struct(B), true],
  ["different nested dataclasses", struct(B), struct(D), false],
  ["child dataclass to parent (superset)", struct(childOfA), struct(A), true],
  ["parent dataclass to child (subset)", struct(A), struct(childOfA), false],
  ["blob to blob", blob(""), blob(""), true],
  ["csv blob to generic blob", blob("csv"), blob(""), true],
  ["generic blob to csv blob", blob(""), blob("csv"), true],
  ["csv blob to pdf blob", blob("csv"), blob("pdf"), false],
  ["dimensionality is ignored", blob("csv", "MULTIPART"), blob("csv"), true],
  ["none to blob", NONE, blob("csv"), false],
  ["schema() to schema()", schema(), schema(), true],
  ["schema() to schema(a)", schema(), schema(["a", "INTEGER"]), true],
  ["schema(a) to schema()", schema(["a", "INTEGER"]), schema(), true],
  ["schema(a, b) to schema(a)", schema(["a", "INTEGER"], ["b", "FLOAT"]), schema(["a", "INTEGER"]), true],
  ["schema(a) to schema(a, b)", schema(["a", "INTEGER"]), schema(["a", "INTEGER"], ["b", "FLOAT"]), false],
  ["schema(a int) to schema(a float)", schema(["a", "INTEGER"]), schema(["a", "FLOAT"]), false],
  ["none to schema", NONE, schema(), false],
  ["structured dataset() to schema(a)", sd(""), schema(["a", "INTEGER"]), true],
  ["structured dataset(a, b) to schema(a)", sd("", ["a", INT], ["b", FLOAT]), schema(["a", "INTEGER"]), true],
  ["csv structured dataset to schema", sd("csv"), schema(), false],
  ["schema(a) to structured dataset()", schema(["a", "INTEGER"]), sd(""), true],
  ["schema(a) to structured dataset(a)", schema(["a", "INTEGER"]), sd("", ["a", INT]), true],
  ["schema(a int) to structured dataset(a float)", schema(["a", "INTEGER"]), sd("", ["a", FLOAT]), false],
  ["schema to csv structured dataset", schema(), sd("csv"), false],
  ["sd() to sd()", sd(""), sd(""), true],
  ["sd() to sd(a, b)", sd(""), sd("", ["a", INT], ["b", list(INT)]), true],
  ["sd(a, b) to sd()", sd("", ["a", INT], ["b", list(INT)]), sd(""), true],
  [
    "sd(a, b, c) to sd(a, b)",
    sd("", ["a", INT], ["b", list(INT)], ["c", map(INT)]),
    sd("", ["a", INT], ["b", list(INT)]),
    true,
  ],
  [
    "sd(a, b) to sd(a, b, c)",
    sd("", ["a", INT], ["b", list(INT)]),
    sd("", ["a", INT], ["b", list(INT)], ["c", map(INT)]),
    false,
  ],
  ["sd(a int) to sd(a float)", sd("", ["a", INT]), sd("", ["a", FLOAT]), false],
  ["sd(parquet) to sd()", sd("parquet"), sd(""), true],
  ["sd() to sd(parquet)", sd(""), sd("parquet"), true],
  ["sd(Parquet) to sd(parquet): formats ignore case", sd("Parquet"), sd("parquet"), true],
  ["sd(csv) to sd(parquet)", sd("csv"), sd("parquet"), false],
  ["none to structured dataset (nullable)", NONE, sd(""), true],
];

describe("isCastable", () => {
  it.each(cases)("%s", (_description, upstream, downstream, castable) => {
    const up = T(upstream);
    const down = T(downstream);
    expect(isCastable(up, down), `${literalTypeToString(up)} → ${literalTypeToString(down)}`).toBe(castable);
  });
});
