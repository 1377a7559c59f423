import { clone, create, equals, toJson } from "@bufbuild/protobuf";
import {
  CompiledTaskSchema,
  ConnectionSetSchema,
  type CompiledWorkflow,
  type CompiledWorkflowClosure,
} from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { LiteralTypeSchema, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { ParameterMapSchema, VariableMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  ApproveConditionSchema,
  NodeSchema,
  SignalConditionSchema,
  SleepConditionSchema,
  WorkflowNodeSchema,
  WorkflowTemplateSchema,
  type Node,
} from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import { compileWorkflow, formatCompileError, type CompileWorkflowInput } from "./index.js";
import {
  arrayNode,
  bind,
  branchNode,
  condition,
  gateNode,
  id,
  int,
  intValue,
  listOf,
  mapOf,
  promise,
  str,
  task,
  taskNode,
  workflow,
  workflowNode,
} from "./workflow-fixtures.test-helper.js";

function compiled(input: CompileWorkflowInput): CompiledWorkflowClosure {
  const result = compileWorkflow(input);
  if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
  return result.value;
}

function connections(wf: CompiledWorkflow | undefined): unknown {
  return toJson(ConnectionSetSchema, wf?.connections ?? create(ConnectionSetSchema));
}

const addOne = task("add_one", { x: int() }, { y: int() });
const sum = task("sum", { a: int(), b: int() }, { total: int() });

describe("compileWorkflow", () => {
  it("adds the sentinel nodes, sorts dependencies, completes promises and wires every node", () => {
    const primary = workflow({
      inputs: { a: int() },
      outputs: { out: int() },
      nodes: [
        taskNode("n2", "sum", [promise("a", "n0", "y"), promise("b", "n1", "y")], { upstreamNodeIds: ["n1", "n0"] }),
        taskNode("n0", "add_one", [promise("x", "", "a")]),
        taskNode("n1", "add_one", [bind("x", intValue(3))]),
        taskNode("side", "add_one", [bind("x", intValue(4))]),
      ],
      outputBindings: [promise("out", "n2", "total")],
    });
    const before = clone(WorkflowTemplateSchema, primary);
    const closure = compiled({ primary, tasks: [sum, addOne, sum, task("unused")] });

    const template = closure.primary?.template;
    expect(template?.nodes.map((n) => n.id)).toEqual(["start-node", "end-node", "n2", "n0", "n1", "side"]);
    expect(template?.nodes[2]?.upstreamNodeIds).toEqual(["n0", "n1"]);
    expect(template?.nodes[3]?.upstreamNodeIds).toEqual([]);
    const n0Input = template?.nodes[3]?.inputs[0]?.binding?.value;
    expect(n0Input?.case === "promise" ? n0Input.value.nodeId : undefined).toBe("start-node");
    expect(template?.nodes[1]?.inputs).toEqual(template?.outputs);
    expect(connections(closure.primary)).toEqual({
      downstream: {
        n0: { ids: ["n2"] },
        n1: { ids: ["n2"] },
        n2: { ids: ["end-node"] },
        side: { ids: ["end-node"] },
        "start-node": { ids: ["n0", "n1", "side"] },
      },
      upstream: {
        "end-node": { ids: ["n2", "side"] },
        n0: { ids: ["start-node"] },
        n1: { ids: ["start-node"] },
        n2: { ids: ["n0", "n1"] },
        side: { ids: ["start-node"] },
      },
    });
    // All tasks given, once each, in the order given; the caller's workflow is left as it was.
    expect(closure.tasks.map((t) => t.template?.id?.name)).toEqual(["sum", "add_one", "unused"]);
    expect(equals(WorkflowTemplateSchema, primary, before)).toBe(true);
  });

  it("completes missing interface maps in the workflow and in the tasks its nodes use, on copies", () => {
    const noInputs = create(CompiledTaskSchema, {
      template: create(TaskTemplateSchema, {
        id: id("constant"),
        interface: { outputs: { variables: { y: { type: int() } } } },
        target: { case: "container", value: { image: "i", args: ["run"] } },
      }),
    });
    const primary = create(WorkflowTemplateSchema, {
      id: id("wf", ResourceType.WORKFLOW),
      nodes: [taskNode("n0", "constant")],
    });
    const closure = compiled({ primary, tasks: [noInputs] });
    expect(closure.primary?.template?.interface?.inputs?.variables).toEqual({});
    expect(closure.primary?.template?.interface?.outputs?.variables).toEqual({});
    expect(closure.tasks[0]?.template?.interface?.inputs?.variables).toEqual({});
    expect(noInputs.template?.interface?.inputs).toBeUndefined();
  });

  it("wires the failure node upstream only", () => {
    const primary = workflow({
      inputs: { a: int() },
      nodes: [taskNode("n0", "add_one", [promise("x", "", "a")])],
      failureNode: taskNode("on-failure", "add_one", [promise("x", "", "a")]),
    });
    const closure = compiled({ primary, tasks: [addOne] });
    expect(connections(closure.primary)).toEqual({
      downstream: { n0: { ids: ["end-node"] }, "start-node": { ids: ["n0"] } },
      upstream: { "end-node": { ids: ["n0"] }, n0: { ids: ["start-node"] }, "on-failure": { ids: ["start-node"] } },
    });
  });

  it("lets consumers read an aliased output by its alias only", () => {
    const aliased = (consumerReads: string) =>
      compileWorkflow({
        primary: workflow({
          nodes: [
            taskNode("n0", "add_one", [bind("x", intValue(1))], { outputAliases: [{ var: "y", alias: "renamed" }] }),
            taskNode("n1", "add_one", [promise("x", "n0", consumerReads)]),
          ],
        }),
        tasks: [addOne],
      });
    expect(aliased("renamed").ok).toBe(true);
    expect(aliased("y")).toMatchObject({
      ok: false,
      errors: [{ code: "ParameterNotBound" }, { code: "VariableNameNotFound", nodeId: "n0" }],
    });
  });

  it("reads list elements by index and fields through attribute paths", () => {
    const point = create(LiteralTypeSchema, {
      type: { case: "simple", value: SimpleType.STRUCT },
      structure: { dataclassType: { x: int(), tags: listOf(str()) } },
    });
    const producer = task("produce", {}, { xs: listOf(int()), byName: mapOf(listOf(int())), p: point });
    const primary = workflow({
      nodes: [
        taskNode("n0", "produce"),
        taskNode("first", "add_one", [promise("x", "n0", "[0].xs")]),
        taskNode("nested", "add_one", [promise("x", "n0", "byName", ["k", 0])]),
        taskNode("field", "add_one", [promise("x", "n0", "p", ["x"])]),
        taskNode("wrong", "add_one", [promise("x", "n0", "p", ["tags", 0])]),
      ],
    });
    const result = compileWorkflow({ primary, tasks: [producer, addOne] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        {
          code: "MismatchingTypes",
          nodeId: "wrong",
          message: "Output [p] of node [n0] has type string, but input [x] of node [wrong] expects integer.",
        },
      ]);
    }
  });

  it("derives gate interfaces: approval passes values through, a signal provides its output", () => {
    const primary = workflow({
      inputs: { a: int() },
      outputs: { out: int() },
      nodes: [
        gateNode("approve", { case: "approve", value: create(ApproveConditionSchema, { signalId: "ok" }) }, [
          promise("v", "", "a"),
        ]),
        gateNode("signal", {
          case: "signal",
          value: create(SignalConditionSchema, { signalId: "s", type: int(), outputVariableName: "answer" }),
        }),
        gateNode("sleep", { case: "sleep", value: create(SleepConditionSchema) }),
        taskNode("n0", "sum", [promise("a", "approve", "v"), promise("b", "signal", "answer")], {
          upstreamNodeIds: ["sleep"],
        }),
      ],
      outputBindings: [promise("out", "n0", "total")],
    });
    const closure = compiled({ primary, tasks: [sum] });
    expect(connections(closure.primary)).toMatchObject({
      upstream: { n0: { ids: ["approve", "signal", "sleep"] }, approve: { ids: ["start-node"] } },
    });
  });

  it("checks an array node's bindings against its sub-node's interface", () => {
    const mapAddOne = task("map_add_one", { x: listOf(int()) }, { y: listOf(int()) });
    const build = (input: ReturnType<typeof promise>) =>
      compileWorkflow({
        primary: workflow({
          inputs: { xs: listOf(int()), one: int() },
          nodes: [arrayNode("map", taskNode("inner", "map_add_one"), [input])],
        }),
        tasks: [mapAddOne],
      });
    expect(build(promise("x", "", "xs")).ok).toBe(true);
    expect(build(promise("x", "", "one"))).toMatchObject({
      ok: false,
      errors: [{ code: "MismatchingTypes", nodeId: "map" }],
    });
  });

  it("names nested branch cases with every enclosing branch id and keeps only outputs all cases share", () => {
    const both = task("both", { x: int() }, { y: int(), z: int() });
    const branch = (branchId: string, thenNode: Node, elseNode: Node): Node =>
      branchNode(branchId, {
        inputs: [promise("a", "", "a")],
        cases: [{ condition: condition("a", 0), thenNode }],
        elseNode,
      });
    const inner = branch(
      "inner",
      taskNode("n0", "add_one", [promise("x", "", "a")]),
      taskNode("n1", "both", [promise("x", "", "a")]),
    );
    const build = (output: string) =>
      compileWorkflow({
        primary: workflow({
          inputs: { a: int() },
          outputs: { out: int() },
          nodes: [branch("outer", inner, taskNode("n2", "both", [promise("x", "", "a")]))],
          outputBindings: [promise("out", "outer", output)],
        }),
        tasks: [addOne, both],
      });
    const ok = build("y");
    if (!ok.ok) throw new Error(ok.errors.map(formatCompileError).join("\n"));
    const outer = ok.value.primary?.template?.nodes[2];
    const outerIfElse = outer?.target.case === "branchNode" ? outer.target.value.ifElse : undefined;
    const innerNode = outerIfElse?.case?.thenNode;
    const innerIfElse = innerNode?.target.case === "branchNode" ? innerNode.target.value.ifElse : undefined;
    expect(innerNode?.id).toBe("outer-inner");
    expect(innerIfElse?.case?.thenNode?.id).toBe("outer-inner-n0");
    expect(connections(ok.value.primary)).toMatchObject({
      upstream: { "outer-inner": { ids: ["start-node"] }, "outer-inner-n0": { ids: ["start-node"] } },
    });
    expect(build("z")).toEqual({
      ok: false,
      errors: [
        { code: "ParameterNotBound", nodeId: "end-node", message: "Workflow output [out] is not bound." },
        { code: "VariableNameNotFound", nodeId: "outer", message: "Node [outer] has no output [z]." },
      ],
    });
  });

  it("reports branch cases whose shared outputs have different types", () => {
    const strOut = task("str_out", { x: int() }, { y: str() });
    const primary = workflow({
      inputs: { a: int() },
      nodes: [
        branchNode("b", {
          inputs: [promise("a", "", "a")],
          cases: [{ condition: condition("a", "a"), thenNode: taskNode("n0", "add_one", [promise("x", "", "a")]) }],
          elseNode: taskNode("n1", "str_out", [promise("x", "", "a")]),
        }),
      ],
    });
    const result = compileWorkflow({ primary, tasks: [addOne, strOut] });
    // As in Flyte, the branch then has no interface, which cascades (its condition input, its edges).
    expect(result.ok ? [] : result.errors).toContainEqual({
      code: "MismatchingTypes",
      nodeId: "b-n1",
      message: "Output [y] of branch case [b-n1] has type string, but another case gives it type integer.",
    });
  });

  it("compiles each referenced sub-workflow once and keeps unreferenced ones as given", () => {
    const sub = workflow({
      name: "sub",
      inputs: { x: int() },
      outputs: { y: int() },
      nodes: [taskNode("inner", "add_one", [promise("x", "", "x")])],
      outputBindings: [promise("y", "inner", "y")],
    });
    const unused = workflow({ name: "unused", nodes: [taskNode("n", "add_one", [bind("x", intValue(1))])] });
    const primary = workflow({
      inputs: { a: int() },
      nodes: [workflowNode("s1", "sub", [promise("x", "", "a")]), workflowNode("s2", "sub", [promise("x", "s1", "y")])],
    });
    const closure = compiled({ primary, subWorkflows: [unused, sub], tasks: [addOne] });
    const [keptUnused, compiledSub] = closure.subWorkflows;
    expect(equals(WorkflowTemplateSchema, keptUnused?.template ?? create(WorkflowTemplateSchema), unused)).toBe(true);
    expect(keptUnused?.connections).toBeUndefined();
    expect(compiledSub?.template?.nodes.map((n) => n.id)).toEqual(["start-node", "end-node", "inner"]);
    expect(connections(compiledSub)).toEqual({
      downstream: { inner: { ids: ["end-node"] }, "start-node": { ids: ["inner"] } },
      upstream: { "end-node": { ids: ["inner"] }, inner: { ids: ["start-node"] } },
    });
    expect(connections(closure.primary)).toMatchObject({ upstream: { s2: { ids: ["s1"] } } });
    expect(sub.nodes.map((n) => n.id)).toEqual(["inner"]);
  });

  it("gives a node calling the workflow's own launch plan id the workflow's interface", () => {
    const self = create(NodeSchema, {
      id: "again",
      inputs: [promise("a", "", "a")],
      target: {
        case: "workflowNode",
        value: create(WorkflowNodeSchema, {
          reference: { case: "launchplanRef", value: id("wf", ResourceType.WORKFLOW) },
        }),
      },
    });
    const primary = workflow({ inputs: { a: int() }, outputs: {}, nodes: [self] });
    // The launch plan must still be supplied, as Flyte checks requirements first.
    const lp = {
      id: id("wf", ResourceType.WORKFLOW),
      expectedInputs: create(ParameterMapSchema),
      expectedOutputs: create(VariableMapSchema),
    };
    expect(compileWorkflow({ primary, tasks: [], launchPlans: [lp] }).ok).toBe(true);
  });
});
