import {
  Code,
  collectionLiteral,
  integerLiteral,
  literalMap,
  mapLiteral,
  stringLiteral,
  structuredDatasetLiteral,
} from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { TypedInterfaceSchema, VariableMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralSchema, type Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { SimpleType, StructuredDatasetTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { describe, expect, it } from "vitest";
import { artifactTagName, hashifyLiteral, hashLiteralMap, taskCacheKey, taskDatasetId } from "../index.js";

const taskId = { project: "project", domain: "domain", name: "name" };
const simpleVariables = (names: string[], simple: SimpleType) =>
  create(VariableMapSchema, {
    variables: Object.fromEntries(
      names.map((name) => [name, { type: { type: { case: "simple" as const, value: simple } } }]),
    ),
  });

// Expected values are the literal keys asserted by Flyte's Go tests (transformer_test.go, hashing_test.go,
// datacatalog_test.go), so Aloft and Flyte 1 find each other's cache entries.
describe("taskDatasetId", () => {
  it("names the dataset after the task and versions it by cache version and interface", () => {
    const id = taskDatasetId({
      taskId,
      cacheVersion: "1.0.0",
      taskInterface: create(TypedInterfaceSchema, {
        inputs: simpleVariables(["test"], SimpleType.STRING),
        outputs: simpleVariables(["test"], SimpleType.STRING),
      }),
    });
    expect([id.project, id.domain, id.name, id.version]).toEqual([
      "project",
      "domain",
      "flyte_task-name",
      "1.0.0-ue5g6uuI-ue5g6uuI",
    ]);
  });

  it("hashes absent and empty variable maps alike", () => {
    expect(taskDatasetId({ taskId, cacheVersion: "1.0.0", taskInterface: undefined }).version).toBe(
      "1.0.0-GKw-c0Pw-GKw-c0Pw",
    );
    const empty = create(TypedInterfaceSchema, { inputs: {}, outputs: {} });
    expect(taskDatasetId({ taskId, cacheVersion: "1.0.0", taskInterface: empty }).version).toBe(
      "1.0.0-GKw-c0Pw-GKw-c0Pw",
    );
  });

  it("does not depend on the order variables were declared in", () => {
    const forward = create(TypedInterfaceSchema, { inputs: simpleVariables(["1", "2"], SimpleType.INTEGER) });
    const backward = create(TypedInterfaceSchema, { inputs: simpleVariables(["2", "1"], SimpleType.INTEGER) });
    expect(taskDatasetId({ taskId, cacheVersion: "1.0.0", taskInterface: forward }).version).toBe(
      "1.0.0-UxVtPm0k-GKw-c0Pw",
    );
    expect(taskDatasetId({ taskId, cacheVersion: "1.0.0", taskInterface: backward }).version).toBe(
      "1.0.0-UxVtPm0k-GKw-c0Pw",
    );
  });

  it("trims spaces around the cache version and refuses an empty one", () => {
    expect(taskDatasetId({ taskId, cacheVersion: " 1.0.0 ", taskInterface: undefined }).version).toBe(
      "1.0.0-GKw-c0Pw-GKw-c0Pw",
    );
    expect(() => taskDatasetId({ taskId, cacheVersion: "  ", taskInterface: undefined })).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: "task cannot have an empty discoveryVersion   ",
      }),
    );
  });
});

describe("artifactTagName", () => {
  it("tags by the hash of the input values, whatever their order", () => {
    const tag = "flyte_cached-GQid5LjHbakcW68DS3P2jp80QLbiF0olFHF2hTh5bg8";
    expect(artifactTagName(literalMap({ "1": integerLiteral(1), "2": integerLiteral(2) }))).toBe(tag);
    expect(artifactTagName(literalMap({ "2": integerLiteral(2), "1": integerLiteral(1) }))).toBe(tag);
  });

  it("leaves cache_ignore_input_vars out of the hash", () => {
    const inputs = literalMap({ "1": integerLiteral(1), "2": integerLiteral(2), "3": integerLiteral(3) });
    expect(artifactTagName(inputs, ["3"])).toBe("flyte_cached-GQid5LjHbakcW68DS3P2jp80QLbiF0olFHF2hTh5bg8");
  });

  it("matches the tag propeller's datacatalog client computes for a string input", () => {
    expect(artifactTagName(literalMap({ out1: stringLiteral("output1-stringval") }))).toBe(
      "flyte_cached-BE6CZsMk6N3ExR_4X9EuwBgj2Jh2UwasXK3a_pM9xlY",
    );
  });

  it("hashes missing and empty inputs alike", () => {
    expect(hashLiteralMap(undefined)).toBe("GKw-c0PwFokMUQ6T-TUmEWnZ4_VlQ2Qpgw-vCTT0-OQ");
    expect(hashLiteralMap(literalMap({}))).toBe("GKw-c0PwFokMUQ6T-TUmEWnZ4_VlQ2Qpgw-vCTT0-OQ");
  });
});

describe("hashifyLiteral", () => {
  const dataset = (uri: string, hash = ""): Literal => {
    const literal = structuredDatasetLiteral({
      uri,
      type: create(StructuredDatasetTypeSchema, { format: "my-columnar-data-format" }),
    });
    literal.hash = hash;
    return literal;
  };
  const onlyHash = (hash: string): Literal => create(LiteralSchema, { hash });

  it("keeps a literal without hash as it is", () => {
    const literal = integerLiteral(42);
    expect(hashifyLiteral(literal)).toBe(literal);
  });

  it("replaces a literal carrying a hash by its hash, whatever its kind", () => {
    expect(hashifyLiteral(dataset("s3://a", "abcde"))).toEqual(onlyHash("abcde"));
    const map = mapLiteral({ hello: stringLiteral("world") });
    map.hash = "0xffff";
    expect(hashifyLiteral(map)).toEqual(onlyHash("0xffff"));
  });

  it("hashifies inside collections and maps", () => {
    const nested = collectionLiteral([
      mapLiteral({ literal1: dataset("s3://a"), literal2: dataset("s3://b", "hash-2") }),
      mapLiteral({ other: dataset("s3://c", "hash-c") }),
    ]);
    expect(hashifyLiteral(nested)).toEqual(
      collectionLiteral([
        mapLiteral({ literal1: dataset("s3://a"), literal2: onlyHash("hash-2") }),
        mapLiteral({ other: onlyHash("hash-c") }),
      ]),
    );
  });

  it("makes a value with a hash key on its content's hash, not its location", () => {
    const first = literalMap({ df: dataset("s3://run-1/df", "content-hash") });
    const second = literalMap({ df: dataset("s3://run-2/df", "content-hash") });
    expect(artifactTagName(first)).toBe(artifactTagName(second));
  });
});

describe("taskCacheKey", () => {
  const template = (description: string, metadataValue: string) =>
    create(TaskTemplateSchema, {
      id: { resourceType: 1, project: "project", domain: "domain", name: "name", version: "v7" },
      metadata: { discoverable: true, discoveryVersion: "1.0.0", cacheIgnoreInputVars: ["seed"] },
      interface: {
        inputs: {
          variables: {
            test: {
              description,
              type: { type: { case: "simple", value: SimpleType.STRING }, metadata: { doc: metadataValue } },
            },
            seed: { type: { type: { case: "simple", value: SimpleType.INTEGER } } },
          },
        },
        outputs: simpleVariables(["test"], SimpleType.STRING),
      },
    });

  it("ignores type metadata, descriptions, the task version and ignored inputs", () => {
    const inputs = (seed: number) =>
      literalMap({ test: stringLiteral("output1-stringval"), seed: integerLiteral(seed) });
    const a = taskCacheKey(template("first", "x"), inputs(1));
    const b = taskCacheKey(template("second", "y"), inputs(2));
    expect(a.datasetId).toEqual(b.datasetId);
    expect(a.tagName).toBe(b.tagName);
    expect(a.tagName).toBe(artifactTagName(literalMap({ test: stringLiteral("output1-stringval") })));
    expect(a.datasetId.version).toBe(
      taskDatasetId({ taskId, cacheVersion: "1.0.0", taskInterface: a.taskInterface }).version,
    );
  });

  it("hashes no inputs for a task that declares none", () => {
    const noInputs = create(TaskTemplateSchema, {
      id: { project: "p", domain: "d", name: "t" },
      metadata: { discoveryVersion: "1" },
      interface: { outputs: simpleVariables(["o"], SimpleType.STRING) },
    });
    const key = taskCacheKey(noInputs, literalMap({ stray: integerLiteral(1) }));
    expect(key.tagName).toBe("flyte_cached-GKw-c0PwFokMUQ6T-TUmEWnZ4_VlQ2Qpgw-vCTT0-OQ");
  });
});
