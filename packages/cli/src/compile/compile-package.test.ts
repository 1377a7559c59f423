import { create } from "@bufbuild/protobuf";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { CompiledTaskSchema, CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { IdentifierSchema, ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  ParameterMapSchema,
  ParameterSchema,
  VariableMapSchema,
  type ParameterMap,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { Node, WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import type {
  FlytePackage,
  PackageEntity,
  PackageLaunchPlan,
  PackageTask,
  PackageWorkflow,
} from "../package/package-entity.js";
import { compilePackage } from "./compile-package.js";
import { compileReportToJson, formatCompileReport } from "./format-compile-report.js";
import type { CompileError, PackageCompiler } from "./package-compiler.js";

const version = "{{ registration.version }}";
const idOf = (resourceType: ResourceType, name: string): Identifier =>
  create(IdentifierSchema, { resourceType, project: "{{ registration.project }}", domain: "d", name, version });
const intVar = { type: { type: { case: "simple" as const, value: SimpleType.INTEGER } } };

function task(name: string, type = "python-task"): PackageTask {
  const id = idOf(ResourceType.TASK, name);
  return { kind: "task", file: `${name}_1.pb`, id, spec: create(TaskSpecSchema, { template: { id, type } }) };
}

function workflow(name: string, nodes: Node[], inputs: readonly string[] = []): PackageWorkflow {
  const id = idOf(ResourceType.WORKFLOW, name);
  const variables = Object.fromEntries(inputs.map((input) => [input, intVar]));
  const spec = create(WorkflowSpecSchema, { template: { id, nodes, interface: { inputs: { variables } } } });
  return { kind: "workflow", file: `${name}_2.pb`, id, spec };
}

function launchPlan(name: string, workflowName: string, defaults: readonly string[] = []): PackageLaunchPlan {
  const id = idOf(ResourceType.LAUNCH_PLAN, name);
  const parameters = Object.fromEntries(defaults.map((input) => [input, { var: intVar }]));
  const lp = create(LaunchPlanSchema, {
    id,
    spec: { workflowId: idOf(ResourceType.WORKFLOW, workflowName), defaultInputs: { parameters } },
  });
  return { kind: "launchPlan", file: `${name}_3.pb`, id, launchPlan: lp };
}

const taskNode = (id: string, taskName: string): Node =>
  ({
    id,
    target: {
      case: "taskNode",
      value: { reference: { case: "referenceId", value: idOf(ResourceType.TASK, taskName) } },
    },
  }) as Node;

const launchPlanNode = (id: string, launchPlanName: string, bound: readonly string[]): Node =>
  ({
    id,
    inputs: bound.map((name) => ({ var: name })),
    target: {
      case: "workflowNode",
      value: { reference: { case: "launchplanRef", value: idOf(ResourceType.LAUNCH_PLAN, launchPlanName) } },
    },
  }) as Node;

function packageOf(...entities: PackageEntity[]): FlytePackage {
  return {
    source: "test.tgz",
    tasks: entities.filter((e): e is PackageTask => e.kind === "task"),
    workflows: entities.filter((e): e is PackageWorkflow => e.kind === "workflow"),
    launchPlans: entities.filter((e): e is PackageLaunchPlan => e.kind === "launchPlan"),
    entities,
    files: entities.map((e) => e.file),
    otherFiles: [],
  };
}

const fakeError = (code: CompileError["code"], nodeId: string, message: string): CompileError => ({
  code,
  nodeId,
  message,
});

/** Fails tasks of type "broken"; everything else compiles. */
const fakeCompileTask: PackageCompiler["compileTask"] = (template) =>
  template.type === "broken"
    ? { ok: false, errors: [fakeError("InvalidValue", "", `task ${template.id?.name} is broken`)] }
    : { ok: true, value: create(CompiledTaskSchema, { template }) };

/** Checks task references by name, and that launch-plan nodes bind every required launch-plan input. */
const fakeCompileWorkflow: PackageCompiler["compileWorkflow"] = ({ primary, tasks, launchPlans = [] }) => {
  const errors: CompileError[] = [];
  for (const node of primary.nodes) {
    if (node.target.case === "taskNode" && node.target.value.reference.case === "referenceId") {
      const name = node.target.value.reference.value.name;
      if (!tasks.some((t) => t.template?.id?.name === name)) {
        errors.push(fakeError("TaskReferenceNotFound", "start-node", `task ${name} not found`));
      }
    }
    if (node.target.case === "workflowNode" && node.target.value.reference.case === "launchplanRef") {
      const name = node.target.value.reference.value.name;
      const lp = launchPlans.find((l) => l.id.name === name);
      if (lp === undefined) {
        errors.push(fakeError("WorkflowReferenceNotFound", "start-node", `launch plan ${name} not found`));
        continue;
      }
      for (const [input, parameter] of Object.entries(lp.expectedInputs.parameters)) {
        const required = parameter.behavior.case === "required" && parameter.behavior.value;
        if (required && !node.inputs.some((b) => b.var === input)) {
          errors.push(fakeError("ParameterNotBound", node.id, `input ${input} is not bound`));
        }
      }
    }
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, value: create(CompiledWorkflowClosureSchema, { primary: { template: primary } }) };
};

const fakeGetRequirements: PackageCompiler["getRequirements"] = (primary: WorkflowTemplate) => {
  const taskIds: Identifier[] = [];
  const launchPlanIds: Identifier[] = [];
  for (const node of primary.nodes) {
    if (node.target.case === "taskNode" && node.target.value.reference.case === "referenceId") {
      taskIds.push(node.target.value.reference.value);
    }
    if (node.target.case === "workflowNode" && node.target.value.reference.case === "launchplanRef") {
      launchPlanIds.push(node.target.value.reference.value);
    }
  }
  return { taskIds, launchPlanIds };
};

/** Defaults must name workflow inputs; inputs without a default become required parameters. */
const fakeValidateLaunchPlanInputs: PackageCompiler["validateLaunchPlanInputs"] = ({
  workflowInterface,
  defaultInputs,
}) => {
  const inputs = workflowInterface.inputs?.variables ?? {};
  const defaults = defaultInputs?.parameters ?? {};
  const unknown = Object.keys(defaults).filter((name) => !(name in inputs));
  if (unknown.length > 0) {
    return {
      ok: false,
      errors: unknown.map((name) => fakeError("VariableNameNotFound", "", `no workflow input ${name}`)),
    };
  }
  const parameters: ParameterMap["parameters"] = {};
  for (const [name, variable] of Object.entries(inputs)) {
    parameters[name] =
      name in defaults
        ? create(ParameterSchema, { var: variable, behavior: { case: "default", value: {} } })
        : create(ParameterSchema, { var: variable, behavior: { case: "required", value: true } });
  }
  return {
    ok: true,
    value: {
      expectedInputs: create(ParameterMapSchema, { parameters }),
      expectedOutputs: workflowInterface.outputs ?? create(VariableMapSchema),
    },
  };
};

const fakeCompiler: PackageCompiler = {
  compileTask: fakeCompileTask,
  compileWorkflow: fakeCompileWorkflow,
  getRequirements: fakeGetRequirements,
  validateLaunchPlanInputs: fakeValidateLaunchPlanInputs,
  formatCompileError: (e) =>
    e.nodeId === "" ? `${e.code}: ${e.message}` : `${e.code} at node ${e.nodeId}: ${e.message}`,
};

const summary = (pkg: FlytePackage) =>
  compilePackage({ pkg, compiler: fakeCompiler }).results.map((r) => [r.kind, r.name, r.errors.map((e) => e.code)]);

describe("compilePackage", () => {
  it("compiles every entity, in file order, and counts them", () => {
    const pkg = packageOf(
      task("t1"),
      task("t2"),
      workflow("wf", [taskNode("n0", "t1"), taskNode("n1", "t2")]),
      launchPlan("wf", "wf"),
    );
    const report = compilePackage({ pkg, compiler: fakeCompiler });
    expect(report.results.map((r) => [r.kind, r.name, r.version, r.file, r.errors])).toEqual([
      ["task", "t1", version, "t1_1.pb", []],
      ["task", "t2", version, "t2_1.pb", []],
      ["workflow", "wf", version, "wf_2.pb", []],
      ["launchPlan", "wf", version, "wf_3.pb", []],
    ]);
    expect([report.compiled, report.failed]).toEqual([4, 0]);
  });

  it("reports a broken task once: the workflow using it is still judged on its own content", () => {
    const pkg = packageOf(task("t1", "broken"), workflow("wf", [taskNode("n0", "t1")]));
    const report = compilePackage({ pkg, compiler: fakeCompiler });
    expect(report.results.map((r) => [r.name, r.errors])).toEqual([
      ["t1", [fakeError("InvalidValue", "", "task t1 is broken")]],
      ["wf", []],
    ]);
    expect([report.compiled, report.failed]).toEqual([1, 1]);
  });

  it("leaves a task missing from the package for the compiler to report", () => {
    const pkg = packageOf(workflow("wf", [taskNode("n0", "gone")]), launchPlan("wf", "wf"));
    expect(summary(pkg)).toEqual([
      ["workflow", "wf", ["TaskReferenceNotFound"]],
      ["launchPlan", "wf", []],
    ]);
  });

  it("gives a launch-plan node the launch plan's expected inputs, so only inputs without defaults must be bound", () => {
    const child = workflow("child", [taskNode("n0", "t")], ["x", "y"]);
    const pkg = packageOf(
      task("t"),
      workflow("binds_x", [launchPlanNode("n0", "child_lp", ["x"])]),
      workflow("binds_y", [launchPlanNode("n0", "child_lp", ["y"])]),
      child,
      launchPlan("child_lp", "child", ["y"]),
    );
    const report = compilePackage({ pkg, compiler: fakeCompiler });
    expect(report.results.map((r) => [r.name, r.errors])).toEqual([
      ["t", []],
      ["binds_x", []],
      ["binds_y", [fakeError("ParameterNotBound", "n0", "input x is not bound")]],
      ["child", []],
      ["child_lp", []],
    ]);
  });

  it("fails a launch plan whose workflow is not in the package, and the compiler reports nodes that call it", () => {
    const pkg = packageOf(workflow("parent", [launchPlanNode("n0", "lp", [])]), launchPlan("lp", "elsewhere"));
    const report = compilePackage({ pkg, compiler: fakeCompiler });
    expect(report.results.map((r) => [r.name, r.errors])).toEqual([
      ["parent", [fakeError("WorkflowReferenceNotFound", "start-node", "launch plan lp not found")]],
      [
        "lp",
        [
          fakeError(
            "WorkflowReferenceNotFound",
            "",
            "launch plan lp runs workflow elsewhere, which is not in this package",
          ),
        ],
      ],
    ]);
    expect([report.compiled, report.failed]).toEqual([0, 2]);
  });

  it("fails a launch plan with a bad default but still lets nodes call it, every input optional as in flytectl", () => {
    const pkg = packageOf(
      task("t"),
      workflow("parent", [launchPlanNode("n0", "lp", [])]),
      workflow("child", [taskNode("n0", "t")], ["x"]),
      launchPlan("lp", "child", ["nope"]),
    );
    expect(summary(pkg)).toEqual([
      ["task", "t", []],
      ["workflow", "parent", []],
      ["workflow", "child", []],
      ["launchPlan", "lp", ["VariableNameNotFound"]],
    ]);
  });

  it("compiles a workflow that calls its own launch plan without recursing forever", () => {
    const pkg = packageOf(workflow("loop", [launchPlanNode("n0", "loop", ["x"])], ["x"]), launchPlan("loop", "loop"));
    expect(summary(pkg)).toEqual([
      ["workflow", "loop", []],
      ["launchPlan", "loop", []],
    ]);
  });
});

describe("formatCompileReport", () => {
  const pkg = packageOf(
    task("t1"),
    task("a_much_longer_task_name", "broken"),
    workflow("wf", [taskNode("n0", "t1"), taskNode("n1", "missing")]),
    {
      ...launchPlan("wf", "wf"),
      id: create(IdentifierSchema, { resourceType: ResourceType.LAUNCH_PLAN, name: "wf", version: "v7" }),
    },
  );
  const report = compilePackage({ pkg, compiler: fakeCompiler });

  it("prints aligned lines, the errors under each failure and the summary", () => {
    expect(formatCompileReport(report, { formatError: fakeCompiler.formatCompileError })).toEqual([
      "task        t1                       -   ok",
      "task        a_much_longer_task_name  -   FAILED",
      "    InvalidValue: task a_much_longer_task_name is broken",
      "workflow    wf                       -   FAILED",
      "    TaskReferenceNotFound at node start-node: task missing not found",
      "launchplan  wf                       v7  ok",
      "compiled 2, failed 2",
    ]);
  });

  it("keeps each error on one line even when its message has line breaks", () => {
    const lines = formatCompileReport(report, { formatError: () => "first\n  second" });
    expect(lines.filter((line) => line.startsWith("    "))).toEqual(["    first second", "    first second"]);
  });

  it("has a JSON form with versions as written and the errors as data", () => {
    const json = compileReportToJson(report, "pkg.tgz");
    expect(json.package).toBe("pkg.tgz");
    expect(json.entities[1]).toEqual({
      kind: "task",
      name: "a_much_longer_task_name",
      version,
      file: "a_much_longer_task_name_1.pb",
      status: "failed",
      errors: [{ code: "InvalidValue", nodeId: "", message: "task a_much_longer_task_name is broken" }],
    });
    expect([json.compiled, json.failed]).toEqual([2, 2]);
  });
});
