import { toJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { IdentifierSchema, ResourceType, TaskExecutionIdentifierSchema } from "./gen/flyteidl/core/identifier_pb.js";
import {
  formatIdentifier,
  identifierKey,
  identifiersEqual,
  launchPlanId,
  nodeExecutionId,
  resourceTypeName,
  taskExecutionId,
  taskId,
  workflowExecutionId,
  workflowId,
} from "./index.js";

const parts = { project: "proj", domain: "development", name: "my.task", version: "v1" };
const execution = workflowExecutionId({ project: "proj", domain: "development", name: "abc123" });
const node = nodeExecutionId({ executionId: execution, nodeId: "n0" });

describe("identifier builders", () => {
  it("set the resource type of tasks, workflows and launch plans", () => {
    expect(toJson(IdentifierSchema, taskId(parts))).toEqual({
      resourceType: "TASK",
      project: "proj",
      domain: "development",
      name: "my.task",
      version: "v1",
    });
    expect(workflowId(parts).resourceType).toBe(ResourceType.WORKFLOW);
    expect(launchPlanId({ ...parts, org: "o" })).toMatchObject({ resourceType: ResourceType.LAUNCH_PLAN, org: "o" });
  });

  it("build execution ids, defaulting the retry attempt to 0", () => {
    const attempt = taskExecutionId({ taskId: taskId(parts), nodeExecutionId: node });
    expect(toJson(TaskExecutionIdentifierSchema, attempt)).toEqual({
      taskId: { resourceType: "TASK", project: "proj", domain: "development", name: "my.task", version: "v1" },
      nodeExecutionId: { nodeId: "n0", executionId: { project: "proj", domain: "development", name: "abc123" } },
    });
  });
});

describe("formatIdentifier", () => {
  it("prints entity ids with their resource type", () => {
    expect(formatIdentifier(taskId(parts))).toBe("task proj/development/my.task@v1");
    expect(formatIdentifier(launchPlanId({ ...parts, version: "" }))).toBe("launch plan proj/development/my.task");
    expect(formatIdentifier(workflowId({ ...parts, org: "acme" }))).toBe("workflow acme/proj/development/my.task@v1");
  });

  it("prints execution ids from the attempt up", () => {
    expect(formatIdentifier(execution)).toBe("execution proj/development/abc123");
    expect(formatIdentifier(node)).toBe("node n0 of execution proj/development/abc123");
    expect(formatIdentifier(taskExecutionId({ taskId: taskId(parts), nodeExecutionId: node, retryAttempt: 2 }))).toBe(
      "attempt 2 of task proj/development/my.task@v1 at node n0 of execution proj/development/abc123",
    );
  });
});

describe("identifierKey", () => {
  it("tells apart ids that differ only in resource type, org or kind", () => {
    const keys = new Set([
      identifierKey(taskId(parts)),
      identifierKey(workflowId(parts)),
      identifierKey(taskId({ ...parts, org: "o" })),
      identifierKey(workflowExecutionId({ project: "proj", domain: "development", name: "my.task" })),
      identifierKey(node),
    ]);
    expect(keys.size).toBe(5);
  });

  it("cannot be fooled by separators inside names", () => {
    const a = taskId({ project: "a/b", domain: "c", name: "d", version: "v" });
    const b = taskId({ project: "a", domain: "b/c", name: "d", version: "v" });
    expect(identifierKey(a)).not.toBe(identifierKey(b));
  });

  it("is the same for equal ids", () => {
    expect(identifierKey(taskId(parts))).toBe(identifierKey(taskId({ ...parts })));
    expect(identifierKey(taskId(parts))).toBe('["TASK","","proj","development","my.task","v1"]');
  });
});

describe("identifiersEqual and resourceTypeName", () => {
  it("compares ids of the same kind field by field", () => {
    expect(identifiersEqual(taskId(parts), taskId({ ...parts }))).toBe(true);
    expect(identifiersEqual(taskId(parts), workflowId(parts))).toBe(false);
    expect(identifiersEqual(node, nodeExecutionId({ executionId: execution, nodeId: "n1" }))).toBe(false);
    expect(identifiersEqual(execution, node)).toBe(false);
  });

  it("names resource types in lower case", () => {
    expect(resourceTypeName(ResourceType.LAUNCH_PLAN)).toBe("launch plan");
    expect(resourceTypeName(ResourceType.UNSPECIFIED)).toBe("unspecified");
    expect(resourceTypeName(42 as ResourceType)).toBe("resource type 42");
  });
});
