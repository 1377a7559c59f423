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
  structType,
} from "@aloft/idl";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { executeWorkflow } from "./index.js";
import { compile, fakeRunner, ref, task, taskNode, workflow } from "./local-workflows.test-helper.js";

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

/** Runs `produce → consume(v = produce.o0<path>)` and returns what `consume` received, or the error. */
async function resolve(output: Literal, outputType: LiteralType, path: (string | number)[]) {
  const produce = task("produce", { outputs: { o0: outputType } });
  const consume = task("consume", { inputs: { v: structType() } });
  const closure = compile({
    workflow: workflow("attrs", {
      nodes: [taskNode("n0", "produce"), taskNode("n1", "consume", { v: ref("n0", "o0", path) })],
    }),
    tasks: [produce, consume],
  });
  const runner = fakeRunner({
    produce: () => ({ kind: "outputs", outputs: literalMap({ o0: output }) }),
    consume: () => ({}),
  });
  const result = await executeWorkflow({ closure, runner });
  return { received: result.nodes.get("n1")?.inputs?.literals.v, result };
}

const expectLiteral = (actual: Literal | undefined, expected: Literal): void => {
  expect(actual).toBeDefined();
  expect(literalsEqual(actual as Literal, expected)).toBe(true);
};

describe("attribute paths in promises", () => {
  it("walks literal maps and collections", async () => {
    const value = mapLiteral({ a: integerLiteral(1), b: collectionLiteral([stringLiteral("p"), stringLiteral("q")]) });
    const { received } = await resolve(value, structType(), ["b", 1]);
    expectLiteral(received, stringLiteral("q"));
  });

  it("reads an integer field of a msgpack dataclass as an integer literal", async () => {
    const { received } = await resolve(binaryLiteral(dataclass, "msgpack"), structType(), ["x"]);
    expectLiteral(received, integerLiteral(1));
  });

  it("keeps a float field a float even when its value is whole", async () => {
    const { received } = await resolve(binaryLiteral(dataclass, "msgpack"), structType(), ["y"]);
    expectLiteral(received, floatLiteral(2));
  });

  it("turns a list field into a collection of one msgpack binary per element", async () => {
    const { received } = await resolve(binaryLiteral(dataclass, "msgpack"), structType(), ["tags"]);
    expectLiteral(
      received,
      collectionLiteral([binaryLiteral(encode("a"), "msgpack"), binaryLiteral(encode("b"), "msgpack")]),
    );
  });

  it("passes a nested object on as the msgpack bytes it was written with", async () => {
    const { received } = await resolve(binaryLiteral(dataclass, "msgpack"), structType(), ["inner"]);
    expectLiteral(received, binaryLiteral(inner, "msgpack"));
  });

  it("reports a missing msgpack key as propeller does", async () => {
    const { result } = await resolve(binaryLiteral(dataclass, "msgpack"), structType(), ["inner", "nope"]);
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("BindingResolutionFailure");
    expect(result.error?.message).toBe(
      "failed at Node[n1]. BindingResolutionError: Error binding Var [wf].[v], caused by: " +
        "failed at Node[n0]. PromiseAttributeResolveError: key [nope] does not exist in literal map[z:3]",
    );
  });

  it("reports an index out of range of a msgpack list", async () => {
    const { result } = await resolve(binaryLiteral(dataclass, "msgpack"), structType(), ["tags", 5]);
    expect(result.error?.message).toMatch(/PromiseAttributeResolveError: index \[5\] is out of range of \[a b\]$/);
  });

  it("walks a protobuf Struct (legacy dataclass), where every number is a float", async () => {
    const value = genericLiteral({ a: { b: [1, 2] }, s: "x" });
    expectLiteral((await resolve(value, structType(), ["a", "b", 1])).received, floatLiteral(2));
    expectLiteral((await resolve(value, structType(), ["a"])).received, genericLiteral({ b: [1, 2] }));
    expectLiteral(
      (await resolve(value, structType(), ["a", "b"])).received,
      collectionLiteral([floatLiteral(1), floatLiteral(2)]),
    );
  });

  it("refuses binaries that are not msgpack", async () => {
    const { result } = await resolve(binaryLiteral(Uint8Array.of(1), "pickle"), structType(), ["x"]);
    expect(result.error?.message).toContain(
      "PromiseAttributeResolveError: Unsupported format 'pickle' found for literal value.\nPlease ensure the serialization format is supported.",
    );
  });
});
