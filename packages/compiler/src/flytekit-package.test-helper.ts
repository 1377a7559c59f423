import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { LaunchPlanSchema, type LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema, type WorkflowSpec } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import type { CompiledTask, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { makeTempDir } from "@aloft/test-helpers";
import { x as extract } from "tar";
import {
  compileTask,
  compileWorkflow,
  formatCompileError,
  getRequirements,
  validateLaunchPlanInputs,
  type LaunchPlanInterface,
} from "./index.js";

/** The entities of a package written by `pyflyte package`, in registration (file name) order. */
export interface FlytekitPackage {
  tasks: CompiledTask[];
  workflows: WorkflowSpec[];
  launchPlans: LaunchPlan[];
}

/** Extracts a `.tgz` package into a temporary directory and reads its numbered protobuf files. */
export async function loadPackage(tgz: string): Promise<FlytekitPackage> {
  const dir = await makeTempDir("aloft-compiler-pkg-");
  try {
    await extract({ file: tgz, cwd: dir.path });
    const files = readdirSync(dir.path, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".pb"))
      .map((e) => ({ name: e.name, path: join(e.parentPath, e.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const pkg: FlytekitPackage = { tasks: [], workflows: [], launchPlans: [] };
    for (const f of files) {
      const bytes = readFileSync(f.path);
      if (f.name.endsWith("_1.pb")) {
        const template = fromBinary(TaskSpecSchema, bytes).template;
        if (template === undefined) throw new Error(`${f.name}: no task template`);
        const compiled = compileTask(template);
        if (!compiled.ok) throw new Error(`${f.name}: ${compiled.errors.map(formatCompileError).join("; ")}`);
        pkg.tasks.push(compiled.value);
      } else if (f.name.endsWith("_2.pb")) {
        pkg.workflows.push(fromBinary(WorkflowSpecSchema, bytes));
      } else if (f.name.endsWith("_3.pb")) {
        pkg.launchPlans.push(fromBinary(LaunchPlanSchema, bytes));
      }
    }
    return pkg;
  } finally {
    await dir.cleanup();
  }
}

/**
 * Compiles every workflow of a package the way flytectl's `compile` does: a workflow whose launch
 * plans other workflows call is compiled first, and those launch plans get their interface from it
 * (here through flyteadmin's launch-plan input rules, so defaults and fixed inputs count).
 */
export function compilePackage(pkg: FlytekitPackage): Map<string, CompiledWorkflowClosure> {
  const byName = new Map(pkg.workflows.map((w) => [w.template?.id?.name ?? "", w]));
  const compiled = new Map<string, CompiledWorkflowClosure>();
  const launchPlans: LaunchPlanInterface[] = [];

  const compileOne = (spec: WorkflowSpec): void => {
    const template = spec.template;
    if (template === undefined) throw new Error("workflow spec without template");
    const name = template.id?.name ?? "";
    if (compiled.has(name)) return;
    for (const lpId of getRequirements(template, spec.subWorkflows).launchPlanIds) {
      const lp = pkg.launchPlans.find((p) => p.id?.name === lpId.name);
      const target = byName.get(lp?.spec?.workflowId?.name ?? "");
      if (target === undefined) throw new Error(`${name}: launch plan ${lpId.name} has no workflow in the package`);
      compileOne(target);
    }
    const result = compileWorkflow({
      primary: template,
      subWorkflows: spec.subWorkflows,
      tasks: pkg.tasks,
      launchPlans,
    });
    if (!result.ok) throw new Error(`${name}:\n${result.errors.map(formatCompileError).join("\n")}`);
    compiled.set(name, result.value);
    const iface = result.value.primary?.template?.interface;
    if (iface === undefined) throw new Error(`${name}: compiled without interface`);
    for (const lp of pkg.launchPlans) {
      if (lp.spec?.workflowId?.name !== name || lp.id === undefined) continue;
      const expected = validateLaunchPlanInputs({
        workflowInterface: iface,
        defaultInputs: lp.spec.defaultInputs,
        fixedInputs: lp.spec.fixedInputs,
      });
      if (!expected.ok) throw new Error(`${lp.id.name}: ${expected.errors.map(formatCompileError).join("; ")}`);
      launchPlans.push({ id: lp.id, ...expected.value });
    }
  };

  for (const spec of pkg.workflows) compileOne(spec);
  return compiled;
}
