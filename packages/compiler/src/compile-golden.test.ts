import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import {
  CompiledTaskSchema,
  CompiledWorkflowClosureSchema,
  type CompiledTask,
} from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { WorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/workflow_closure_pb";
import { WorkflowTemplateSchema, type WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import {
  addFlyteTestConfig,
  expectProtoEqual,
  filesEndingWith,
  flyteCompilerFixtures,
  readJson,
  stem,
} from "./golden.test-helper.js";
import { compileTask, compileWorkflow, formatCompileError, getRequirements } from "./index.js";

const snacks = join(flyteCompilerFixtures, "snacks-core");
const idKey = (id: unknown): string => JSON.stringify(id);

function compileSnacksTasks(): Map<string, CompiledTask> {
  const compiled = new Map<string, CompiledTask>();
  for (const [, path] of filesEndingWith(snacks, "_1.pb")) {
    const template = fromBinary(TaskSpecSchema, readFileSync(path)).template;
    if (template === undefined) throw new Error(`${path} has no task template`);
    addFlyteTestConfig(template);
    const result = compileTask(template);
    if (!result.ok) throw new Error(`${path}: ${result.errors.map(formatCompileError).join("; ")}`);
    compiled.set(idKey(template.id), result.value);
  }
  return compiled;
}

/**
 * Two `_2.pb` files in Flyte's test data are `admin.WorkflowSpec`s (a workflow with its sub-workflows),
 * not `core.WorkflowClosure`s: they do not parse as one, so Flyte's test skips them and there is no
 * golden closure. We compile them as what they are instead.
 */
const WORKFLOW_SPECS = new Set([
  "064_core.control_flow.subworkflows.parent_wf_2",
  "066_core.control_flow.subworkflows.nested_parent_wf_2",
]);

describe("compiling Flyte's snacks-core test data", () => {
  const tasks = compileSnacksTasks();

  it.each(filesEndingWith(snacks, "_1.pb"))("compiles task %s exactly as Flyte's golden file", (name, path) => {
    const template = fromBinary(TaskSpecSchema, readFileSync(path)).template;
    if (template === undefined) throw new Error("no template");
    addFlyteTestConfig(template);
    const result = compileTask(template);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const golden = fromJson(
      CompiledTaskSchema,
      readJson(join(snacks, "compiled", `${stem(name)}_task.json`)) as JsonValue,
    );
    expectProtoEqual(CompiledTaskSchema, result.value, golden, name);
  });

  const tasksFor = (primary: WorkflowTemplate, subWorkflows: WorkflowTemplate[] = []): CompiledTask[] =>
    getRequirements(primary, subWorkflows).taskIds.map((id) => {
      const task = tasks.get(idKey(id));
      if (task === undefined) throw new Error(`task ${idKey(id)} not among the _1.pb files`);
      return task;
    });

  const closures = filesEndingWith(snacks, "_2.pb").filter(([name]) => !WORKFLOW_SPECS.has(stem(name)));

  it.each(closures)("compiles workflow %s exactly as Flyte's golden file", (name, path) => {
    const primary = fromBinary(WorkflowClosureSchema, readFileSync(path)).workflow;
    if (primary === undefined) throw new Error("no workflow");
    const result = compileWorkflow({ primary, subWorkflows: [], tasks: tasksFor(primary) });
    if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
    const golden = fromJson(
      CompiledWorkflowClosureSchema,
      readJson(join(snacks, "compiled", `${stem(name)}_wf.json`)) as JsonValue,
    );
    expectProtoEqual(CompiledWorkflowClosureSchema, result.value, golden, name);
  });

  it.each([...WORKFLOW_SPECS])("compiles %s, a workflow spec with sub-workflows (no golden file)", (name) => {
    const bytes = readFileSync(join(snacks, `${name}.pb`));
    expect(() => fromBinary(WorkflowClosureSchema, bytes)).toThrow();
    expect(existsSync(join(snacks, "compiled", `${name}_wf.json`))).toBe(false);
    const spec = fromBinary(WorkflowSpecSchema, bytes);
    if (spec.template === undefined) throw new Error("no template");
    const result = compileWorkflow({
      primary: spec.template,
      subWorkflows: spec.subWorkflows,
      tasks: tasksFor(spec.template, spec.subWorkflows),
    });
    if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
    expect(result.value.subWorkflows.map((w) => w.template?.id?.name)).toEqual(
      spec.subWorkflows.map((w) => w.id?.name),
    );
    for (const sub of result.value.subWorkflows) {
      expect(sub.template?.nodes.slice(0, 2).map((n) => n.id)).toEqual(["start-node", "end-node"]);
      expect(sub.connections?.upstream["end-node"]?.ids.length).toBeGreaterThan(0);
    }
  });
});

describe("compiling Flyte's branch test data", () => {
  const dir = join(flyteCompilerFixtures, "branch");

  it.each(filesEndingWith(dir, ".json"))("compiles %s exactly as Flyte's golden file", (name, path) => {
    const closure = fromJson(WorkflowClosureSchema, readJson(path) as JsonValue);
    const primary = closure.workflow;
    if (primary === undefined) throw new Error("no workflow");
    const tasks = closure.tasks.map((template) => {
      addFlyteTestConfig(template);
      const result = compileTask(template);
      if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
      return result.value;
    });
    const result = compileWorkflow({ primary, tasks });
    if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
    const golden = fromJson(CompiledWorkflowClosureSchema, readJson(join(dir, "compiled", name)) as JsonValue);
    expectProtoEqual(CompiledWorkflowClosureSchema, result.value, golden, name);
  });
});

describe("compiling Flyte's dynamic test data", () => {
  const dir = join(flyteCompilerFixtures, "dynamic");

  it.each(filesEndingWith(dir, ".json"))("compiles the dynamic job spec %s", (_name, path) => {
    const spec = fromJson(DynamicJobSpecSchema, readJson(path) as JsonValue);
    const tasks = spec.tasks.map((template) => {
      addFlyteTestConfig(template);
      const result = compileTask(template);
      if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
      return result.value;
    });
    // The workflow Flyte's test wraps the dynamic nodes in: one output, a list of integers.
    const primary = fromJson(WorkflowTemplateSchema, {
      id: { domain: "domain", name: "name", version: "version" },
      interface: {
        inputs: { variables: {} },
        outputs: { variables: { o0: { type: { collectionType: { simple: "INTEGER" } } } } },
      },
    });
    primary.nodes = spec.nodes;
    primary.outputs = spec.outputs;
    const result = compileWorkflow({ primary, subWorkflows: spec.subworkflows, tasks });
    if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
    expect(result.value.primary?.template?.nodes.map((n) => n.id).slice(0, 2)).toEqual(["start-node", "end-node"]);
    expect(result.value.subWorkflows.every((w) => w.connections !== undefined)).toBe(true);
  });
});
