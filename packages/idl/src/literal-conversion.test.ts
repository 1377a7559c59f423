import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { fromBinary, fromJson, type JsonValue, toBinary } from "@bufbuild/protobuf";
import { findSharedFixtures, makeTempDir, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { describe, expect, it } from "vitest";
import { LaunchPlanSchema } from "./gen/flyteidl/admin/launch_plan_pb.js";
import { LiteralSchema } from "./gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "./gen/flyteidl/core/types_pb.js";
import {
  binaryType,
  blobType,
  booleanType,
  collectionType,
  datetimeType,
  durationType,
  enumType,
  errorType,
  floatType,
  integerType,
  literalFromJs,
  literalsEqual,
  literalToJs,
  literalTypeToString,
  mapType,
  noneType,
  optionalType,
  schemaType,
  stringType,
  structType,
  structuredDatasetType,
  unionType,
} from "./index.js";

interface RoundTrip {
  type: LiteralType;
  value: unknown;
  /** The literal flytekit writes for this value, as protobuf JSON with proto names. */
  literal: JsonValue;
  /** How the test name shows the value, when printing it is unwieldy. */
  label?: string;
}

const bytes = new Uint8Array([1, 2, 3]);

const roundTrips: RoundTrip[] = [
  { type: integerType(), value: 42, literal: { scalar: { primitive: { integer: "42" } } } },
  { type: integerType(), value: -(2n ** 62n), literal: { scalar: { primitive: { integer: "-4611686018427387904" } } } },
  { type: floatType(), value: 1.5, literal: { scalar: { primitive: { float_value: 1.5 } } } },
  { type: floatType(), value: 2, literal: { scalar: { primitive: { float_value: 2 } } } },
  { type: stringType(), value: "héllo", literal: { scalar: { primitive: { string_value: "héllo" } } } },
  { type: booleanType(), value: true, literal: { scalar: { primitive: { boolean: true } } } },
  {
    type: datetimeType(),
    value: new Date("2024-05-01T12:00:00.250Z"),
    literal: { scalar: { primitive: { datetime: "2024-05-01T12:00:00.250Z" } } },
  },
  {
    type: durationType(),
    value: { seconds: 90n, nanos: 5 },
    literal: { scalar: { primitive: { duration: "90.000000005s" } } },
  },
  { type: noneType(), value: null, literal: { scalar: { none_type: {} } } },
  {
    type: collectionType(collectionType(stringType())),
    value: [["a"], []],
    literal: {
      collection: {
        literals: [
          { collection: { literals: [{ scalar: { primitive: { string_value: "a" } } }] } },
          { collection: {} },
        ],
      },
    },
  },
  {
    type: mapType(floatType()),
    value: { a: 1.5, "odd key": 2 },
    literal: {
      map: {
        literals: {
          a: { scalar: { primitive: { float_value: 1.5 } } },
          "odd key": { scalar: { primitive: { float_value: 2 } } },
        },
      },
    },
  },
  {
    type: blobType({ format: "csv" }),
    value: { uri: "s3://b/f.csv", format: "csv", dimensionality: "single" },
    literal: { scalar: { blob: { uri: "s3://b/f.csv", metadata: { type: { format: "csv" } } } } },
  },
  {
    type: blobType({ dimensionality: "multipart" }),
    value: { uri: "s3://b/dir", format: "", dimensionality: "multipart" },
    literal: { scalar: { blob: { uri: "s3://b/dir", metadata: { type: { dimensionality: "MULTIPART" } } } } },
  },
  {
    type: structuredDatasetType({ format: "parquet", columns: [{ name: "a", type: integerType() }] }),
    value: { uri: "s3://b/df", format: "parquet", columns: [{ name: "a", type: integerType() }] },
    label: "{ uri: 's3://b/df', format: 'parquet', columns: [a: integer] }",
    literal: {
      scalar: {
        structured_dataset: {
          uri: "s3://b/df",
          metadata: {
            structured_dataset_type: {
              format: "parquet",
              columns: [{ name: "a", literal_type: { simple: "INTEGER" } }],
            },
          },
        },
      },
    },
  },
  {
    type: schemaType([{ name: "x", type: "integer" }]),
    value: { uri: "s3://b/schema" },
    literal: { scalar: { schema: { uri: "s3://b/schema", type: { columns: [{ name: "x", type: "INTEGER" }] } } } },
  },
  {
    type: enumType(["red", "green"]),
    value: "green",
    literal: { scalar: { primitive: { string_value: "green" } } },
  },
  {
    type: optionalType(integerType()),
    value: 3,
    literal: {
      scalar: {
        union: {
          value: { scalar: { primitive: { integer: "3" } } },
          type: { simple: "INTEGER", structure: { tag: "int" } },
        },
      },
    },
  },
  {
    type: optionalType(integerType()),
    value: null,
    literal: {
      scalar: { union: { value: { scalar: { none_type: {} } }, type: { simple: "NONE", structure: { tag: "none" } } } },
    },
  },
  {
    type: unionType([stringType(), collectionType(integerType())]),
    value: [1],
    literal: {
      scalar: {
        union: {
          value: { collection: { literals: [{ scalar: { primitive: { integer: "1" } } }] } },
          type: { collection_type: { simple: "INTEGER" }, structure: { tag: "Typed List" } },
        },
      },
    },
  },
  {
    type: structType(),
    value: { a: 1, b: { c: [true, null, "x"] } },
    literal: { scalar: { generic: { a: 1, b: { c: [true, null, "x"] } } } },
  },
  {
    type: binaryType(),
    value: { value: bytes, tag: "x" },
    literal: { scalar: { binary: { value: "AQID", tag: "x" } } },
  },
  {
    type: errorType(),
    value: { message: "boom", failedNodeId: "n1" },
    literal: { scalar: { error: { message: "boom", failed_node_id: "n1" } } },
  },
];

describe("literal round trips", () => {
  for (const { type, value, literal, label: shown } of roundTrips) {
    const label = `${literalTypeToString(type)} ${shown ?? inspect(value, { breakLength: Infinity, depth: 3 })}`;
    it(`encode ${label} as flytekit does and decode it back`, () => {
      const encoded = literalFromJs(value, type);
      expect(literalsEqual(encoded, fromJson(LiteralSchema, literal))).toBe(true);
      expect(literalToJs(encoded, type)).toEqual(value);
      // The wire form survives too.
      expect(literalToJs(fromBinary(LiteralSchema, toBinary(LiteralSchema, encoded)), type)).toEqual(value);
    });
  }

  it("decode every kind without a type to the same value", () => {
    for (const { type, value } of roundTrips) {
      expect(literalToJs(literalFromJs(value, type)), literalTypeToString(type)).toEqual(value);
    }
  });
});

describe("literals written by flytekit", () => {
  const fixtures = findSharedFixtures();

  it.skipIf(fixtures === undefined)("decode and re-encode every launch plan default to the same bytes", async () => {
    if (fixtures === undefined) return console.log(SHARED_FIXTURES_MISSING);
    const tmp = await makeTempDir();
    try {
      execFileSync("tar", ["xzf", join(fixtures, "flytekit-serialized", "flytesnacks-core.tgz"), "-C", tmp.path]);
      const dir = join(tmp.path, "core", "_pb_output");
      const seen: string[] = [];
      for (const file of readdirSync(dir).filter((f) => f.endsWith("_3.pb"))) {
        const lp = fromBinary(LaunchPlanSchema, readFileSync(join(dir, file)));
        for (const [name, parameter] of Object.entries(lp.spec?.defaultInputs?.parameters ?? {})) {
          const type = parameter.var?.type;
          if (parameter.behavior.case !== "default" || type === undefined) continue;
          const literal = parameter.behavior.value;
          const value = literalToJs(literal, type);
          const again = literalFromJs(value, type);
          expect(toBinary(LiteralSchema, again), `${file} ${name}`).toEqual(toBinary(LiteralSchema, literal));
          seen.push(`${name}=${String(value)}`);
        }
      }
      // merge_sort's run_local_at_count=10, my_subwf's a=42, default_4_lp's val=4, go_greet's am=false, …
      expect(seen).toEqual(expect.arrayContaining(["run_local_at_count=10", "a=42", "val=4", "am=false", "number=1"]));
    } finally {
      await tmp.cleanup();
    }
  });
});
