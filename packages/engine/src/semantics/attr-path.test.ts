import { encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import {
  binaryLiteral,
  collectionLiteral,
  floatLiteral,
  genericLiteral,
  integerLiteral,
  literalMap,
  literalsEqual,
  mapLiteral,
  stringLiteral,
} from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { BindingSchema, type Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { resolveBindings } from "../index.js";

/** MessagePack bytes as Python's msgpack writes a dataclass: `2.0` stays a float64. */
function msgpackMap(entries: [string, Uint8Array][]): Uint8Array {
  const bytes: number[] = [0x80 | entries.length];
  for (const [key, value] of entries) bytes.push(...encode(key), ...value);
  return Uint8Array.from(bytes);
}

function float64(value: number): Uint8Array {
  const bytes = new Uint8Array(9);
  bytes[0] = 0xcb;
  new DataView(bytes.buffer).setFloat64(1, value);
  return bytes;
}

const inner = msgpackMap([["z", encode(3)]]);
const dataclass = msgpackMap([
  ["x", encode(1)],
  ["y", float64(2)],
  ["name", encode("n")],
  ["tags", encode(["a", "b"])],
  ["inner", inner],
]);

/**
 * Resolves node `n1`'s input `v = n0.o0<path>` where `n0` produced `output`, and returns what `n1`
 * receives, or the error.
 */
function resolve(output: Literal, path: (string | number)[]) {
  const binding = create(BindingSchema, {
    var: "v",
    binding: {
      value: {
        case: "promise",
        value: {
          nodeId: "n0",
          var: "o0",
          attrPath: path.map((a) => ({
            value:
              typeof a === "string"
                ? { case: "stringValue" as const, value: a }
                : { case: "intValue" as const, value: a },
          })),
        },
      },
    },
  });
  const producer = { outputs: literalMap({ o0: output }), aliases: [] };
  try {
    const inputs = resolveBindings("n1", [binding], { producer: (id) => (id === "n0" ? producer : undefined) });
    return { received: inputs.literals.v, error: undefined };
  } catch (error) {
    return { received: undefined, error: error as Error };
  }
}

const expectLiteral = (actual: Literal | undefined, expected: Literal): void => {
  expect(actual).toBeDefined();
  expect(literalsEqual(actual as Literal, expected)).toBe(true);
};

describe("attribute paths in promises", () => {
  it("walks literal maps and collections", () => {
    const value = mapLiteral({ a: integerLiteral(1), b: collectionLiteral([stringLiteral("p"), stringLiteral("q")]) });
    const { received } = resolve(value, ["b", 1]);
    expectLiteral(received, stringLiteral("q"));
  });

  it("reads an integer field of a msgpack dataclass as an integer literal", () => {
    const { received } = resolve(binaryLiteral(dataclass, "msgpack"), ["x"]);
    expectLiteral(received, integerLiteral(1));
  });

  it("keeps a float field a float even when its value is whole", () => {
    const { received } = resolve(binaryLiteral(dataclass, "msgpack"), ["y"]);
    expectLiteral(received, floatLiteral(2));
  });

  it("turns a list field into a collection of one msgpack binary per element", () => {
    const { received } = resolve(binaryLiteral(dataclass, "msgpack"), ["tags"]);
    expectLiteral(
      received,
      collectionLiteral([binaryLiteral(encode("a"), "msgpack"), binaryLiteral(encode("b"), "msgpack")]),
    );
  });

  it("passes a nested object on as the msgpack bytes it was written with", () => {
    const { received } = resolve(binaryLiteral(dataclass, "msgpack"), ["inner"]);
    expectLiteral(received, binaryLiteral(inner, "msgpack"));
  });

  it("reports a missing msgpack key as propeller does", () => {
    const { error } = resolve(binaryLiteral(dataclass, "msgpack"), ["inner", "nope"]);
    expect(error?.message).toBe(
      "failed at Node[n1]. BindingResolutionError: Error binding Var [wf].[v], caused by: " +
        "failed at Node[n0]. PromiseAttributeResolveError: key [nope] does not exist in literal map[z:3]",
    );
  });

  it("reports an index out of range of a msgpack list", () => {
    const { error } = resolve(binaryLiteral(dataclass, "msgpack"), ["tags", 5]);
    expect(error?.message).toMatch(/PromiseAttributeResolveError: index \[5\] is out of range of \[a b\]$/);
  });

  it("walks a protobuf Struct (legacy dataclass), where every number is a float", () => {
    const value = genericLiteral({ a: { b: [1, 2] }, s: "x" });
    expectLiteral(resolve(value, ["a", "b", 1]).received, floatLiteral(2));
    expectLiteral(resolve(value, ["a"]).received, genericLiteral({ b: [1, 2] }));
    expectLiteral(resolve(value, ["a", "b"]).received, collectionLiteral([floatLiteral(1), floatLiteral(2)]));
  });

  it("refuses binaries that are not msgpack", () => {
    const { error } = resolve(binaryLiteral(Uint8Array.of(1), "pickle"), ["x"]);
    expect(error?.message).toContain(
      "PromiseAttributeResolveError: Unsupported format 'pickle' found for literal value.\nPlease ensure the serialization format is supported.",
    );
  });
});
