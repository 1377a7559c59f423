import { create } from "@bufbuild/protobuf";
import { BindingSchema, ScalarSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { OperandSchema } from "@aloft/idl/gen/flyteidl/core/condition_pb";
import { LiteralTypeSchema, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import { compileWorkflow, formatCompileError, type CompileError, type CompileWorkflowInput } from "./index.js";
import {
  bind,
  branchNode,
  condition,
  enumOf,
  gateNode,
  int,
  intValue,
  listBinding,
  listOf,
  mapOf,
  none,
  promise,
  str,
  strValue,
  tagged,
  task,
  taskNode,
  unionOf,
  workflow,
  workflowNode,
} from "./workflow-fixtures.test-helper.js";

function errorsOf(input: CompileWorkflowInput): CompileError[] {
  const result = compileWorkflow(input);
  if (result.ok) throw new Error("expected the workflow not to compile");
  return result.errors;
}

const addOne = task("add_one", { x: int() }, { y: int() });
const greet = task("greet", { name: str() }, { greeting: str() });

/** n0: add_one(x = workflow input a), output y is the workflow output. */
function chain(n0Inputs = [promise("x", "", "a")], extraNodes: Node[] = []) {
  return workflow({
    inputs: { a: int() },
    outputs: { out: int() },
    nodes: [taskNode("n0", "add_one", n0Inputs), ...extraNodes],
    outputBindings: [promise("out", "n0", "y")],
  });
}

describe("compile errors", () => {
  it("reports MismatchingTypes for a scalar of the wrong type", () => {
    expect(errorsOf({ primary: chain([bind("x", strValue("one"))]), tasks: [addOne] })).toEqual([
      {
        code: "MismatchingTypes",
        nodeId: "n0",
        message: "Input [x] of node [n0] expects integer, but is bound to a value of type string.",
      },
    ]);
  });

  it("reports MismatchingTypes for an output of the wrong type", () => {
    const primary = workflow({
      inputs: { name: str() },
      nodes: [
        taskNode("hello", "greet", [promise("name", "", "name")]),
        taskNode("n1", "add_one", [promise("x", "hello", "greeting")]),
      ],
    });
    expect(errorsOf({ primary, tasks: [addOne, greet] })).toEqual([
      {
        code: "MismatchingTypes",
        nodeId: "n1",
        message: "Output [greeting] of node [hello] has type string, but input [x] of node [n1] expects integer.",
      },
    ]);
  });

  it("reports ParameterNotBound for a required input and a workflow output left unbound", () => {
    const primary = workflow({ inputs: { a: int() }, outputs: { out: int() }, nodes: [taskNode("n0", "add_one", [])] });
    expect(errorsOf({ primary, tasks: [addOne] })).toEqual([
      { code: "ParameterNotBound", nodeId: "end-node", message: "Workflow output [out] is not bound." },
      { code: "ParameterNotBound", nodeId: "n0", message: "Input [x] of node [n0] is not bound." },
    ]);
  });

  it("lets an optional input (a union with none) stay unbound", () => {
    const optional = task("optional", { x: unionOf(int(), none()) }, { y: int() });
    const primary = workflow({ nodes: [taskNode("n0", "optional")] });
    expect(compileWorkflow({ primary, tasks: [optional] }).ok).toBe(true);
  });

  it("treats a union with any non-simple variant as optional, as Flyte's GetSimple() check does", () => {
    const listOrString = task("list_or_string", { x: unionOf(listOf(int()), str()) }, {});
    const intOrString = task("int_or_string", { x: unionOf(int(), str()) }, {});
    expect(
      compileWorkflow({ primary: workflow({ nodes: [taskNode("n0", "list_or_string")] }), tasks: [listOrString] }).ok,
    ).toBe(true);
    expect(errorsOf({ primary: workflow({ nodes: [taskNode("n0", "int_or_string")] }), tasks: [intOrString] })).toEqual(
      [{ code: "ParameterNotBound", nodeId: "n0", message: "Input [x] of node [n0] is not bound." }],
    );
  });

  it("reports ParameterBoundMoreThanOnce", () => {
    expect(errorsOf({ primary: chain([promise("x", "", "a"), bind("x", intValue(2))]), tasks: [addOne] })).toEqual([
      { code: "ParameterBoundMoreThanOnce", nodeId: "n0", message: "Input [x] of node [n0] is bound more than once." },
    ]);
  });

  it("reports CycleDetected with the path from the start node", () => {
    const pair = task("pair", { x: int(), z: int() }, { y: int() });
    const primary = workflow({
      inputs: { a: int() },
      nodes: [
        taskNode("n0", "add_one", [promise("x", "", "a")]),
        taskNode("n1", "pair", [promise("x", "n0", "y"), promise("z", "n2", "y")]),
        taskNode("n2", "add_one", [promise("x", "n1", "y")]),
      ],
    });
    expect(errorsOf({ primary, tasks: [addOne, pair] })).toEqual([
      {
        code: "CycleDetected",
        nodeId: "start-node",
        message: "A cycle was detected in the workflow: start-node > n0 > n1 > n2 > n1.",
      },
    ]);
  });

  it("reports UnreachableNodes for nodes that wait on a node the workflow does not have", () => {
    const primary = chain(undefined, [
      taskNode("n1", "add_one", [bind("x", intValue(1))], { upstreamNodeIds: ["ghost"] }),
      taskNode("n2", "add_one", [promise("x", "n1", "y")]),
    ]);
    expect(errorsOf({ primary, tasks: [addOne] })).toEqual([
      {
        code: "UnreachableNodes",
        nodeId: "start-node",
        message: "The workflow contains nodes that cannot be reached from the start node: [n1], [n2].",
      },
    ]);
  });

  it("reports BranchNodeHasNoCondition for a branch without a case", () => {
    const primary = workflow({
      inputs: { a: int() },
      nodes: [
        branchNode("b", {
          inputs: [promise("a", "", "a")],
          cases: [],
          elseNode: taskNode("n0", "add_one", [promise("x", "", "a")]),
        }),
      ],
    });
    const errors = errorsOf({ primary, tasks: [addOne] });
    expect(errors).toContainEqual({
      code: "BranchNodeHasNoCondition",
      nodeId: "b",
      message: "Branch node [b] has a case without a condition.",
    });
    expect(errors.map(formatCompileError)).toContain(
      "ValueRequired at node b: Value required [Branch.IfElse.Case]: branch node [b] has no Branch.IfElse.Case.",
    );
  });

  it("reports BranchNodeHasNoDefault for a branch with neither else-node nor else-error", () => {
    const primary = workflow({
      inputs: { a: int() },
      nodes: [
        branchNode("b", {
          inputs: [promise("a", "", "a")],
          cases: [{ condition: condition("a", 1), thenNode: taskNode("n0", "add_one", [promise("x", "", "a")]) }],
          noDefault: true,
        }),
      ],
    });
    expect(errorsOf({ primary, tasks: [addOne] })).toEqual([
      {
        code: "BranchNodeHasNoDefault",
        nodeId: "b",
        message: "Branch node [b] must have an else-node or an else-error.",
      },
    ]);
  });

  it("reports BranchNodeIdNotFound for a case without a then-node", () => {
    const primary = workflow({
      inputs: { a: int() },
      nodes: [
        branchNode("b", {
          inputs: [promise("a", "", "a")],
          cases: [
            { condition: condition("a", 1), thenNode: taskNode("n0", "add_one", [promise("x", "", "a")]) },
            { condition: condition("a", 2) },
          ],
        }),
      ],
    });
    expect(errorsOf({ primary, tasks: [addOne] })).toContainEqual({
      code: "BranchNodeIdNotFound",
      nodeId: "b",
      message: "Branch node [b] has a case without a then-node.",
    });
  });

  it("reports TaskReferenceNotFound before anything else, naming the task and its nodes", () => {
    expect(errorsOf({ primary: chain([bind("x", strValue("wrong type too"))]), tasks: [] })).toEqual([
      {
        code: "TaskReferenceNotFound",
        nodeId: "start-node",
        message: "Referenced task [task p/d/add_one@v1] not found (used by node [n0]).",
      },
    ]);
  });

  it("reports WorkflowReferenceNotFound for a missing sub-workflow", () => {
    const primary = workflow({
      nodes: [workflowNode("sub", "child")],
    });
    expect(errorsOf({ primary, tasks: [] })).toEqual([
      {
        code: "WorkflowReferenceNotFound",
        nodeId: "sub",
        message: "Referenced workflow [workflow p/d/child@v1] not found (used by node [sub]).",
      },
    ]);
  });

  it("reports a missing launch plan as WorkflowReferenceNotFound, as Flyte does", () => {
    const primary = workflow({
      nodes: [workflowNode("lp", "other", [], true)],
    });
    expect(errorsOf({ primary, tasks: [] })).toEqual([
      {
        code: "WorkflowReferenceNotFound",
        nodeId: "start-node",
        message: "Referenced launch plan [launch plan p/d/other@v1] not found (used by node [lp]).",
      },
    ]);
  });

  it("reports NodeReferenceNotFound for a binding from a node that does not exist", () => {
    expect(errorsOf({ primary: chain([promise("x", "nowhere", "y")]), tasks: [addOne] })).toEqual([
      {
        code: "NodeReferenceNotFound",
        nodeId: "nowhere",
        message: "Referenced node [nowhere] not found: a binding reads an output of a node the workflow does not have.",
      },
      { code: "ParameterNotBound", nodeId: "n0", message: "Input [x] of node [n0] is not bound." },
    ]);
  });

  it("reports VariableNameNotFound for an unknown input and an unknown output", () => {
    const primary = chain(
      [promise("x", "", "a"), bind("extra", intValue(1))],
      [taskNode("n1", "add_one", [promise("x", "n0", "nope")])],
    );
    expect(errorsOf({ primary, tasks: [addOne] })).toEqual([
      { code: "ParameterNotBound", nodeId: "n1", message: "Input [x] of node [n1] is not bound." },
      { code: "VariableNameNotFound", nodeId: "n0", message: "Node [n0] has no input [extra]." },
      { code: "VariableNameNotFound", nodeId: "n0", message: "Node [n0] has no output [nope]." },
    ]);
  });

  it("reports DuplicateAlias for an output aliased twice", () => {
    const primary = chain(undefined, [
      taskNode("n1", "add_one", [promise("x", "n0", "y")], {
        outputAliases: [
          { var: "y", alias: "first" },
          { var: "y", alias: "second" },
        ],
      }),
    ]);
    expect(errorsOf({ primary, tasks: [addOne] })).toEqual([
      {
        code: "DuplicateAlias",
        nodeId: "n1",
        message: "Duplicate alias [second] on node [n1]: an output can only be aliased once.",
      },
    ]);
  });

  it("reports DuplicateId for two sub-workflows with one id and for two nodes with one id", () => {
    const sub = workflow({ name: "sub", nodes: [taskNode("n0", "add_one", [bind("x", intValue(1))])] });
    expect(errorsOf({ primary: chain(), subWorkflows: [sub, sub], tasks: [addOne] })).toEqual([
      {
        code: "DuplicateId",
        nodeId: "workflow p/d/sub@v1",
        message: "Two sub-workflows share the id [workflow p/d/sub@v1].",
      },
    ]);
    expect(
      errorsOf({ primary: chain(undefined, [taskNode("n0", "add_one", [bind("x", intValue(1))])]), tasks: [addOne] }),
    ).toEqual([{ code: "DuplicateId", nodeId: "n0", message: "Two nodes share the id [n0]." }]);
  });

  it("reports NoNodesFound for an empty workflow", () => {
    expect(errorsOf({ primary: workflow({ nodes: [] }), tasks: [] })).toEqual([
      { code: "NoNodesFound", nodeId: "workflow p/d/wf@v1", message: "Workflow [workflow p/d/wf@v1] has no nodes." },
    ]);
  });

  it("reports IllegalEnumValue for a string that is not one of the enum's values", () => {
    const colour = task("colour", { c: enumOf("red", "green") }, {});
    const primary = workflow({ nodes: [taskNode("n0", "colour", [bind("c", strValue("blue"))])] });
    expect(errorsOf({ primary, tasks: [colour] })).toEqual([
      {
        code: "IllegalEnumValue",
        nodeId: "n0",
        message: "Input [c] of node [n0] is an enum of [red, green], but is bound to [blue].",
      },
    ]);
  });

  it("reports AmbiguousBindingUnionValue when a list fits two variants of a union", () => {
    const either = task("either", { xs: unionOf(tagged(listOf(int()), "a"), tagged(listOf(int()), "b")) }, {});
    const primary = workflow({ nodes: [taskNode("n0", "either", [listBinding("xs", [intValue(1), intValue(2)])])] });
    expect(errorsOf({ primary, tasks: [either] })).toEqual([
      {
        code: "AmbiguousBindingUnionValue",
        nodeId: "n0",
        message:
          "Input [xs] of node [n0] expects union<list<integer> (a) | list<integer> (b)>, but a list of 2 bindings matches both variants list<integer> (a) and list<integer> (b).",
      },
    ]);
  });

  it("reports IncompatibleBindingUnionValue when a list fits no variant of a union", () => {
    const either = task("either", { xs: unionOf(listOf(str()), mapOf(int())) }, {});
    const primary = workflow({ nodes: [taskNode("n0", "either", [listBinding("xs", [intValue(1)])])] });
    expect(errorsOf({ primary, tasks: [either] })).toEqual([
      {
        code: "IncompatibleBindingUnionValue",
        nodeId: "n0",
        message:
          "Input [xs] of node [n0] expects union<list<string> | map<string, integer>>, but a list of 1 binding matches none of its variants.",
      },
    ]);
  });

  it("reports FieldNotFound for an attribute path naming a field the dataclass lacks", () => {
    const point = create(LiteralTypeSchema, {
      type: { case: "simple", value: 9 },
      structure: { dataclassType: { x: int(), y: int() } },
    });
    const makePoint = task("make_point", {}, { p: point });
    const primary = workflow({
      nodes: [taskNode("n0", "make_point"), taskNode("n1", "add_one", [promise("x", "n0", "p", ["z"])])],
    });
    expect(errorsOf({ primary, tasks: [makePoint, addOne] })).toEqual([
      {
        code: "FieldNotFound",
        nodeId: "n1",
        message: "Variable [p] (type struct{x: integer, y: integer}) has no field [z] (read by node [n1]).",
      },
    ]);
  });

  it("reports MismatchingBindings for a list bound to a scalar input, and for an empty binding", () => {
    expect(errorsOf({ primary: chain([listBinding("x", [intValue(1)])]), tasks: [addOne] })).toEqual([
      {
        code: "MismatchingBindings",
        nodeId: "n0",
        message: "Input [x] of node [n0] expects integer, but is bound to a list of 1 binding.",
      },
    ]);
    expect(errorsOf({ primary: chain([bind("x", { case: undefined })]), tasks: [addOne] })).toEqual([
      {
        code: "MismatchingBindings",
        nodeId: "n0",
        message: "Input [x] of node [n0] expects integer, but is bound to an empty binding.",
      },
    ]);
  });

  it("reports SyntaxError for a promise variable that is not a name", () => {
    expect(errorsOf({ primary: chain([promise("x", "", "a.b")]), tasks: [addOne] })).toEqual([
      {
        code: "SyntaxError",
        nodeId: "n0",
        message: "Failed to parse [a.b] (read by node [n0]): expected an output name or [index].name.",
      },
    ]);
  });

  it("reports NoConditionFound for a gate without a condition", () => {
    const gate = gateNode("wait", { case: undefined });
    expect(errorsOf({ primary: chain(undefined, [gate]), tasks: [addOne] })).toEqual([
      {
        code: "NoConditionFound",
        nodeId: "wait",
        message: "Gate node [wait] has no condition: set approve, signal or sleep.",
      },
    ]);
  });

  it("reports UnrecognizedValue for a scalar whose type cannot be told", () => {
    expect(
      errorsOf({ primary: chain([bind("x", { case: "scalar", value: create(ScalarSchema) })]), tasks: [addOne] }),
    ).toEqual([
      {
        code: "UnrecognizedValue",
        nodeId: "n0",
        message: "Input [x] of node [n0] is bound to a scalar whose type cannot be told.",
      },
    ]);
  });

  it("reports ValueRequired for a node without id and a binding without data", () => {
    const primary = chain([create(BindingSchema, { var: "x" })], [taskNode("", "add_one", [bind("x", intValue(1))])]);
    expect(errorsOf({ primary, tasks: [addOne] }).map(formatCompileError)).toEqual([
      "ParameterNotBound at node n0: Input [x] of node [n0] is not bound.",
      "ValueRequired at node <node>: Value required [Id]: a node has no id.",
      "ValueRequired at node n0: Value required [Binding]: input [x] has an empty binding.",
    ]);
  });

  it("reports MismatchingTypes for branch conditions comparing different types", () => {
    const primary = workflow({
      inputs: { a: str() },
      nodes: [
        branchNode("b", {
          inputs: [promise("a", "", "a")],
          cases: [{ condition: condition("a", 1), thenNode: taskNode("n0", "greet", [promise("name", "", "a")]) }],
        }),
      ],
    });
    expect(errorsOf({ primary, tasks: [greet] })).toEqual([
      {
        code: "MismatchingTypes",
        nodeId: "b",
        message: "Branch node [b] compares operands of different types: string (left) and integer (right).",
      },
    ]);
  });

  it("accepts flytekit's is_none (a comparison with the scalar none) only against an optional input", () => {
    const isNone = (name: string) => {
      const expr = condition(name, 0);
      if (expr.expr.case === "comparison") {
        expr.expr.value.rightValue = create(OperandSchema, {
          val: { case: "scalar", value: { value: { case: "noneType", value: {} } } },
        });
      }
      return expr;
    };
    const branchOn = (type: LiteralType) =>
      workflow({
        inputs: { a: type, name: str() },
        nodes: [
          branchNode("b", {
            inputs: [promise("a", "", "a"), promise("name", "", "name")],
            cases: [{ condition: isNone("a"), thenNode: taskNode("n0", "greet", [promise("name", "", "name")]) }],
          }),
        ],
      });
    expect(compileWorkflow({ primary: branchOn(unionOf(int(), none())), tasks: [greet] }).ok).toBe(true);
    expect(errorsOf({ primary: branchOn(int()), tasks: [greet] })).toEqual([
      {
        code: "MismatchingTypes",
        nodeId: "b",
        message: "Branch node [b] compares operands of different types: integer (left) and none (right).",
      },
    ]);
  });

  it("reports sub-workflows that call each other as CycleDetected instead of recursing forever", () => {
    const ping = workflow({ name: "ping", nodes: [workflowNode("to-pong", "pong")] });
    const pong = workflow({ name: "pong", nodes: [workflowNode("to-ping", "ping")] });
    const primary = workflow({ nodes: [workflowNode("start", "ping")] });
    expect(errorsOf({ primary, subWorkflows: [ping, pong], tasks: [] })).toEqual([
      {
        code: "CycleDetected",
        nodeId: "to-ping",
        message:
          "Sub-workflows call each other in a cycle: workflow p/d/wf@v1 > workflow p/d/ping@v1 > workflow p/d/pong@v1 > workflow p/d/ping@v1 (at node [to-ping]).",
      },
    ]);
  });

  it("collects every error, de-duplicated and sorted by code, node and message", () => {
    const primary = workflow({
      inputs: { a: int() },
      outputs: { out: int() },
      nodes: [
        taskNode("n1", "add_one", [bind("x", strValue("a"))]),
        taskNode("n0", "add_one", [bind("x", strValue("a")), bind("x", intValue(1))]),
        taskNode("n2", "add_one", [promise("x", "n0", "missing")]),
        taskNode("n3", "add_one", [promise("x", "n0", "missing")]),
      ],
    });
    expect(errorsOf({ primary, tasks: [addOne] }).map((e) => `${e.code}@${e.nodeId}`)).toEqual([
      "MismatchingTypes@n0",
      "MismatchingTypes@n1",
      "ParameterBoundMoreThanOnce@n0",
      "ParameterNotBound@end-node",
      "ParameterNotBound@n2",
      "ParameterNotBound@n3",
      "VariableNameNotFound@n0",
    ]);
  });
});
