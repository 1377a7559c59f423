import { describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import {
  arraySubNodeDirs,
  arraySubNodeId,
  catalogArtifactDataPath,
  catalogStorageRoot,
  checkpointPrefix,
  deckPath,
  dynamicCompiledPath,
  endNodeOutputsPath,
  errorPath,
  futuresCompiledPath,
  futuresPath,
  generatedName,
  inputsPath,
  metadataRoot,
  nestedNodeDataDir,
  nodeDataDir,
  nodeOutputDir,
  offloadedOutputPath,
  outputsPath,
  previousCheckpointPrefix,
  rawOutputPrefix,
  startNodeOutputsPath,
  taskTemplatePath,
  uniqueNodeId,
  workflowDataDir,
} from "./index.js";
import { expectThrowsAloftError } from "./blob-store-suite.test-helper.js";

// Shards and hashed names below were computed independently (FNV-1a 32 by hand in Python) and match
// the values in Flyte's own tests where those exist (taskexec_context_test.go: "fpqmhlei", "fpmmhh6q").
const EXECUTION = { project: "flytesnacks", domain: "development", name: "a1b2c3d4e5" };
const WF = "s3://my-s3-bucket/metadata/propeller/flytesnacks-development-a1b2c3d4e5";

describe("data layout", () => {
  it("puts an execution under <base>/metadata/propeller/<project>-<domain>-<name>", () => {
    const root = metadataRoot({ baseUri: "s3://my-s3-bucket" });

    expect(root).toBe("s3://my-s3-bucket/metadata/propeller");
    expect(workflowDataDir({ metadataRoot: root, executionId: EXECUTION })).toBe(WF);
    expect(metadataRoot({ baseUri: "file:///var/lib/aloft", metadataPrefix: "meta" })).toBe(
      "file:///var/lib/aloft/meta",
    );
    expect(
      workflowDataDir({
        metadataRoot: metadataRoot({ baseUri: "s3://b", metadataPrefix: "" }),
        executionId: EXECUTION,
      }),
    ).toBe("s3://b/flytesnacks-development-a1b2c3d4e5");
  });

  it("lays out a top-level task node's inputs and each attempt's files", () => {
    const dataDir = nodeDataDir({ workflowDataDir: WF, nodeId: "n0" });
    const attempt1 = nodeOutputDir({ nodeDataDir: dataDir, attempt: 1 });

    expect(dataDir).toBe(`${WF}/n0/data`);
    expect(inputsPath(dataDir)).toBe(`${WF}/n0/data/inputs.pb`);
    expect(taskTemplatePath(dataDir)).toBe(`${WF}/n0/data/task.pb`);
    expect(attempt1).toBe(`${WF}/n0/data/1`);
    expect(outputsPath(attempt1)).toBe(`${WF}/n0/data/1/outputs.pb`);
    expect(errorPath(attempt1)).toBe(`${WF}/n0/data/1/error.pb`);
    expect(deckPath(attempt1)).toBe(`${WF}/n0/data/1/deck.html`);
    expect(futuresPath(attempt1)).toBe(`${WF}/n0/data/1/futures.pb`);
    expect(futuresCompiledPath(attempt1)).toBe(`${WF}/n0/data/1/futures_compiled.pb`);
    expect(dynamicCompiledPath(attempt1)).toBe(`${WF}/n0/data/1/dynamic_compiled.pb`);
    expect(offloadedOutputPath({ outputDir: attempt1, variable: "o0" })).toBe(
      `${WF}/n0/data/1/o0_offloaded_metadata.pb`,
    );
  });

  it("keeps workflow inputs and outputs as the start and end nodes' attempt-0 outputs", () => {
    expect(startNodeOutputsPath(WF)).toBe(`${WF}/start-node/data/0/outputs.pb`);
    expect(endNodeOutputsPath(WF)).toBe(`${WF}/end-node/data/0/outputs.pb`);
  });

  it("nests a sub-workflow's nodes, including its start node, inside the parent's output dir", () => {
    const parentOutput = nodeOutputDir({ nodeDataDir: nodeDataDir({ workflowDataDir: WF, nodeId: "n1" }), attempt: 0 });
    const childData = nestedNodeDataDir({ parentOutputDir: parentOutput, nodeId: "n0" });
    const subStart = nestedNodeDataDir({ parentOutputDir: parentOutput, nodeId: "start-node" });

    expect(childData).toBe(`${WF}/n1/data/0/n0`);
    expect(nodeOutputDir({ nodeDataDir: childData, attempt: 2 })).toBe(`${WF}/n1/data/0/n0/2`);
    expect(outputsPath(nodeOutputDir({ nodeDataDir: subStart, attempt: 0 }))).toBe(
      `${WF}/n1/data/0/start-node/0/outputs.pb`,
    );
    expect(uniqueNodeId({ nodeId: "n0", parent: { uniqueId: "n1", attempt: 0 } })).toBe("n1-0-n0");
  });

  it("gives array sub-node i its own data and output dirs per attempt", () => {
    const arrayData = nodeDataDir({ workflowDataDir: WF, nodeId: "n3" });
    const arrayOutput = nodeOutputDir({ nodeDataDir: arrayData, attempt: 0 });
    const subId = uniqueNodeId({ nodeId: arraySubNodeId(2), parent: { uniqueId: "n3", attempt: 0 } });

    expect(
      arraySubNodeDirs({ arrayDataDir: arrayData, arrayOutputDir: arrayOutput, index: 2, subNodeAttempt: 1 }),
    ).toEqual({ dataDir: `${WF}/n3/data/2/1`, outputDir: `${WF}/n3/data/0/2/1` });
    expect(subId).toBe("n3-0-n2");
    expect(
      rawOutputPrefix({
        rawPrefix: "s3://my-s3-bucket/data",
        executionName: "a1b2c3d4e5",
        uniqueNodeId: subId,
        attempt: 1,
      }),
    ).toBe("s3://my-s3-bucket/data/9r/a1b2c3d4e5-n3-0-n2-1");
  });

  it("hashes unique node ids longer than 20 characters", () => {
    expect(uniqueNodeId({ nodeId: "n0" })).toBe("n0");
    expect(uniqueNodeId({ nodeId: "this-is-a-very-long-node-id" })).toBe("fmumoxoi");
    expect(uniqueNodeId({ nodeId: "n0", parent: { uniqueId: "n1-0-some-long-child", attempt: 0 } })).toBe("fr5wo6aa");
    expect(uniqueNodeId({ nodeId: "n1", parent: { uniqueId: "n0", attempt: 2 } })).toBe("n0-2-n1");
  });

  it("names task attempts as Flyte does, hashing past the length limit", () => {
    expect(generatedName({ executionName: "name", uniqueNodeId: "n0-2-n1", attempt: 1 })).toBe("name-n0-2-n1-1");
    expect(generatedName({ executionName: "name", uniqueNodeId: "n1", attempt: 0, maxLength: 8 })).toBe("fpqmhlei");
    expect(generatedName({ executionName: "name", uniqueNodeId: "n1", attempt: 1, maxLength: 8 })).toBe("fpmmhh6q");
    const longName = "execution-name-that-is-quite-long-indeed-0123456789";
    expect(generatedName({ executionName: longName, uniqueNodeId: "n0", attempt: 0 })).toBe("fqppmvza");
    expectThrowsAloftError(
      () => generatedName({ executionName: "name", uniqueNodeId: "n1", attempt: 0, maxLength: 5 }),
      Code.InvalidArgument,
      'cannot make a name of at most 5 characters from ["name","n1","0"]',
    );
  });

  it("shards raw output by the generated name and keeps checkpoints below it", () => {
    const raw = { rawPrefix: "s3://my-s3-bucket/data", executionName: "a1b2c3d4e5", uniqueNodeId: "n0" };
    const attempt0 = rawOutputPrefix({ ...raw, attempt: 0 });

    expect(attempt0).toBe("s3://my-s3-bucket/data/tz/a1b2c3d4e5-n0-0");
    expect(rawOutputPrefix({ ...raw, attempt: 1 })).toBe("s3://my-s3-bucket/data/40/a1b2c3d4e5-n0-1");
    expect(
      rawOutputPrefix({ ...raw, rawPrefix: "s3://sandbox/", executionName: "name", uniqueNodeId: "n1", attempt: 0 }),
    ).toBe("s3://sandbox/lf/name-n1-0");
    expect(checkpointPrefix(attempt0)).toBe("s3://my-s3-bucket/data/tz/a1b2c3d4e5-n0-0/_flytecheckpoints");
    expect(checkpointPrefix("")).toBe("");
  });

  it("resumes from the previous attempt's checkpoints, or a recovered execution's for attempt 0", () => {
    const raw = { rawPrefix: "s3://my-s3-bucket/data", executionName: "a1b2c3d4e5", uniqueNodeId: "n0" };

    expect(previousCheckpointPrefix({ ...raw, attempt: 1 })).toBe(
      "s3://my-s3-bucket/data/tz/a1b2c3d4e5-n0-0/_flytecheckpoints",
    );
    expect(previousCheckpointPrefix({ ...raw, attempt: 0 })).toBe("");
    expect(
      previousCheckpointPrefix({ ...raw, attempt: 0, recoveredCheckpointUri: "s3://b/x/prev-n0-0/_flytecheckpoints" }),
    ).toBe("s3://b/x/prev-n0-0/_flytecheckpoints");
  });

  it("stores cached artifact outputs where datacatalog does", () => {
    const catalogRoot = catalogStorageRoot({ baseUri: "s3://my-s3-bucket" });

    expect(
      catalogArtifactDataPath({
        catalogRoot,
        dataset: {
          project: "flytesnacks",
          domain: "development",
          name: "flyte_task-my.module.fn",
          version: "1.0-AbCd_EfG-IjKlMnOp",
        },
        artifactId: "0b6a7c4e-2f1d-4b5e-9a8c-1d2e3f4a5b6c",
        outputName: "o0",
      }),
    ).toBe(
      "s3://my-s3-bucket/metadata/flytesnacks/development/flyte_task-my.module.fn/1.0-AbCd_EfG-IjKlMnOp/0b6a7c4e-2f1d-4b5e-9a8c-1d2e3f4a5b6c/o0/data.pb",
    );
  });

  it("refuses negative or fractional attempts and indexes", () => {
    expectThrowsAloftError(
      () => nodeOutputDir({ nodeDataDir: `${WF}/n0/data`, attempt: -1 }),
      Code.InvalidArgument,
      "expected a non-negative integer, got -1",
    );
    expectThrowsAloftError(() => arraySubNodeId(1.5), Code.InvalidArgument, "expected a non-negative integer, got 1.5");
  });
});
