import { create } from "@bufbuild/protobuf";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { NodeSchema, type Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import { formatCompileError, getRequirements, NodeKind } from "./index.js";
import { parseVarName } from "./var-name.js";
import { id, taskNode, workflow } from "./workflow-fixtures.test-helper.js";

const call = (nodeId: string, ref: "subWorkflowRef" | "launchplanRef", name: string): Node =>
  create(NodeSchema, {
    id: nodeId,
    target: {
      case: "workflowNode",
      value: {
        reference: {
          case: ref,
          value: id(name, ref === "subWorkflowRef" ? ResourceType.WORKFLOW : ResourceType.LAUNCH_PLAN),
        },
      },
    },
  });

describe("getRequirements", () => {
  it("lists tasks and launch plans from nodes, branches, array nodes, the failure node and sub-workflows, sorted", () => {
    const branch = create(NodeSchema, {
      id: "b",
      target: {
        case: "branchNode",
        value: {
          ifElse: {
            case: { thenNode: taskNode("t1", "then_task") },
            other: [{ thenNode: call("lp1", "launchplanRef", "other_lp") }],
            default: { case: "elseNode", value: taskNode("t2", "else_task") },
          },
        },
      },
    });
    const array = create(NodeSchema, {
      id: "a",
      target: { case: "arrayNode", value: { node: taskNode("inner", "mapped") } },
    });
    const sub = workflow({ name: "sub", nodes: [taskNode("s", "sub_task"), call("back", "subWorkflowRef", "sub")] });
    const primary = workflow({
      nodes: [
        taskNode("n0", "z_task"),
        taskNode("n1", "z_task"),
        branch,
        array,
        call("s0", "subWorkflowRef", "sub"),
        call("s1", "subWorkflowRef", "missing"),
      ],
      failureNode: taskNode("f", "cleanup"),
    });
    const reqs = getRequirements(primary, [sub]);
    expect(reqs.taskIds.map((t) => t.name)).toEqual([
      "cleanup",
      "else_task",
      "mapped",
      "sub_task",
      "then_task",
      "z_task",
    ]);
    expect(reqs.launchPlanIds.map((t) => t.name)).toEqual(["other_lp"]);
  });
});

describe("formatCompileError", () => {
  it("names the code and the node, or just the code when no node applies", () => {
    expect(formatCompileError({ code: "CycleDetected", nodeId: "start-node", message: "A cycle." })).toBe(
      "CycleDetected at node start-node: A cycle.",
    );
    expect(formatCompileError({ code: "InvalidValue", nodeId: "", message: "Bad input." })).toBe(
      "InvalidValue: Bad input.",
    );
  });
});

describe("NodeKind", () => {
  it("classifies nodes by what they run", () => {
    expect(NodeKind.of(taskNode("n", "t"))).toMatchObject({ kind: "task", ref: { name: "t" } });
    expect(NodeKind.of(call("c", "launchplanRef", "lp")).kind).toBe("launchPlan");
    expect(NodeKind.of(call("c", "subWorkflowRef", "wf")).kind).toBe("subWorkflow");
    expect(NodeKind.of(create(NodeSchema, { id: "x" })).kind).toBe("none");
    const k = NodeKind.of(taskNode("n", "t"));
    expect(NodeKind.is(k, "task") && k.ref?.name).toBe("t");
  });
});

describe("parseVarName", () => {
  it.each([
    ["o0", { name: "o0", index: undefined }],
    ["[3].o0", { name: "o0", index: 3 }],
    ["a.b", undefined],
    ["", undefined],
    ["x[0].y", undefined],
  ])("parses %j like Flyte", (text, expected) => {
    expect(parseVarName(text)).toEqual(expected);
  });
});
