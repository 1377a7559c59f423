import { Code } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  IdentifierSchema,
  ResourceType,
  TaskExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { DatasetIDSchema, MetadataSchema } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { describe, expect, it } from "vitest";
import {
  artifactMetadataForSource,
  datasetMetadataForSource,
  eventCatalogMetadata,
  sourceFromMetadata,
} from "../index.js";

const source = create(TaskExecutionIdentifierSchema, {
  taskId: { resourceType: ResourceType.TASK, project: "project", domain: "development", name: "x", version: "ver" },
  nodeExecutionId: { nodeId: "n", executionId: { project: "p1", domain: "d1", name: "wf" } },
  retryAttempt: 1,
});
const currentTaskId = create(IdentifierSchema, {
  resourceType: ResourceType.TASK,
  project: "project",
  domain: "development",
  name: "x",
  version: "ver2",
});

describe("cache lineage", () => {
  it("records the producing attempt under Flyte's metadata keys", () => {
    expect(datasetMetadataForSource(source).keyMap).toEqual({ "task-version": "ver" });
    expect(artifactMetadataForSource(source).keyMap).toEqual({
      "exec-project": "p1",
      "exec-domain": "d1",
      "execution-name": "wf",
      "exec-node": "n",
      "exec-attempt": "1",
    });
  });

  it("reads the producing attempt back from dataset and artifact metadata", () => {
    expect(
      sourceFromMetadata(datasetMetadataForSource(source), artifactMetadataForSource(source), currentTaskId),
    ).toEqual(source);
  });

  it("fills what old entries lack with unknown and the current task's project and domain", () => {
    const legacy = sourceFromMetadata(datasetMetadataForSource(source), undefined, currentTaskId);
    expect(legacy).toEqual(
      create(TaskExecutionIdentifierSchema, {
        taskId: {
          resourceType: ResourceType.TASK,
          project: "project",
          domain: "development",
          name: "x",
          version: "ver",
        },
        nodeExecutionId: {
          nodeId: "unknown",
          executionId: { project: "project", domain: "development", name: "unknown" },
        },
        retryAttempt: 0,
      }),
    );
    expect(sourceFromMetadata(undefined, undefined, currentTaskId).taskId?.version).toBe("unknown");
  });

  it("rejects an attempt that is not an unsigned 32-bit integer", () => {
    for (const attempt of ["-1", "x", "4294967296"]) {
      const metadata = create(MetadataSchema, { keyMap: { "exec-attempt": attempt } });
      expect(() => sourceFromMetadata(undefined, metadata, currentTaskId)).toThrow(
        expect.objectContaining({ code: Code.InvalidArgument }),
      );
    }
  });

  it("builds event metadata naming the dataset as a DATASET identifier", () => {
    const datasetId = create(DatasetIDSchema, { project: "p", domain: "d", name: "n", version: "v", UUID: "u" });
    const metadata = eventCatalogMetadata(datasetId, { name: "tag", artifactId: "a" }, source);
    expect(metadata.datasetId).toEqual(
      create(IdentifierSchema, {
        resourceType: ResourceType.DATASET,
        project: "p",
        domain: "d",
        name: "n",
        version: "v",
      }),
    );
    expect(metadata.artifactTag).toMatchObject({ name: "tag", artifactId: "a" });
    expect(metadata.sourceExecution).toEqual({ case: "sourceTaskExecution", value: source });
    expect(eventCatalogMetadata(datasetId).artifactTag).toBeUndefined();
  });
});
