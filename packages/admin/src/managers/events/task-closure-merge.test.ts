import { create } from "@bufbuild/protobuf";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { TaskExecution_Phase, TaskLogSchema } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  ExternalResourceInfoSchema,
  TaskExecutionMetadata_InstanceClass,
  TaskExecutionMetadataSchema,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import { describe, expect, it } from "vitest";
import {
  filterLogsByPhase,
  mergeCustomInfo,
  mergeExternalResources,
  mergeLogs,
  mergeTaskMetadata,
} from "./task-closure-merge.js";

const log = (uri: string, name = "", extra = {}) => create(TaskLogSchema, { uri, name, ...extra });
const resource = (index: number, retryAttempt: number, extra = {}) =>
  create(ExternalResourceInfoSchema, { index, retryAttempt, externalId: `r${index}-${retryAttempt}`, ...extra });

describe("task closure merge rules", () => {
  it("puts the latest logs first and keeps older ones no latest log replaces by URI or name", () => {
    const merged = mergeLogs([log("a", "Logs"), log("b", "Old"), log("c", "")], [log("a2", "Logs"), log("c", "C")]);
    expect(merged.map((l) => l.uri)).toEqual(["a2", "c", "b"]);
  });

  it("shows only pending logs while queued or initializing and drops hide-once-finished logs when terminal", () => {
    const logs = [
      log("pending", "", { ShowWhilePending: true }),
      log("live", "", { HideOnceFinished: true }),
      log("plain"),
    ];
    expect(filterLogsByPhase(logs, TaskExecution_Phase.INITIALIZING).map((l) => l.uri)).toEqual(["pending"]);
    expect(filterLogsByPhase(logs, TaskExecution_Phase.RUNNING).map((l) => l.uri)).toEqual([
      "pending",
      "live",
      "plain",
    ]);
    expect(filterLogsByPhase(logs, TaskExecution_Phase.FAILED).map((l) => l.uri)).toEqual(["pending", "plain"]);
  });

  it("merges custom info as a JSON merge patch", () => {
    expect(
      mergeCustomInfo({ keep: 1, drop: 2, nested: { a: 1, list: [1] } }, { drop: null, nested: { b: 2, list: [2] } }),
    ).toEqual({
      keep: 1,
      nested: { a: 1, b: 2, list: [2] },
    });
    expect(mergeCustomInfo(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(mergeCustomInfo({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  it("updates external resources in place by index and retry attempt and inserts new ones in order", () => {
    const existing = [
      resource(0, 0, { phase: TaskExecution_Phase.RUNNING, cacheStatus: CatalogCacheStatus.CACHE_MISS }),
      resource(2, 0),
    ];
    const merged = mergeExternalResources(existing, [
      resource(0, 0, {
        phase: TaskExecution_Phase.SUCCEEDED,
        externalId: "",
        cacheStatus: CatalogCacheStatus.CACHE_DISABLED,
      }),
      resource(1, 0),
      resource(2, 1),
      resource(3, 0),
    ]);
    expect(merged.map((r) => [r.index, r.retryAttempt])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 0],
    ]);
    expect(merged[0]).toMatchObject({
      externalId: "r0-0",
      phase: TaskExecution_Phase.SUCCEEDED,
      cacheStatus: CatalogCacheStatus.CACHE_MISS,
    });
  });

  it("replaces generated name, plugin id and instance class only when the new event sets them", () => {
    const existing = create(TaskExecutionMetadataSchema, {
      generatedName: "old",
      pluginIdentifier: "container",
      instanceClass: TaskExecutionMetadata_InstanceClass.INTERRUPTIBLE,
    });
    const merged = mergeTaskMetadata(existing, create(TaskExecutionMetadataSchema, { generatedName: "new" }));
    expect(merged).toMatchObject({
      generatedName: "new",
      pluginIdentifier: "container",
      instanceClass: TaskExecutionMetadata_InstanceClass.INTERRUPTIBLE,
    });
  });
});
