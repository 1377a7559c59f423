import type { LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type { Task } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { Document, isMap, isNode, type Pair } from "yaml";
import { defaultValueForType, literalToPlain } from "./literal-values.js";

/** One input of the skeleton: its starting value and the description written beside it. */
interface SkeletonInput {
  value: unknown;
  description: string;
}

/**
 * The execution spec `get task <name> --execFile f` writes (flytectl/cmd/get/execution_util.go): every input of
 * the task with a zero value of its type, for the user to fill in and pass to `create execution --execFile`.
 */
export function taskExecutionSpec(task: Task): string {
  const variables = task.closure?.compiledTask?.template?.interface?.inputs?.variables ?? {};
  const inputs = new Map<string, SkeletonInput>();
  for (const [name, variable] of Object.entries(variables)) {
    inputs.set(name, { value: defaultValueForType(variable.type), description: describe(name, variable.description) });
  }
  return skeleton({ kind: "task", name: task.id?.name ?? "", version: task.id?.version ?? "", inputs });
}

/**
 * The execution spec `get launchplan <name> --execFile f` writes: the launch plan's default inputs with their
 * defaults, the others with a zero value of their type. Fixed inputs are not offered.
 */
export function launchPlanExecutionSpec(launchPlan: LaunchPlan): string {
  const parameters = launchPlan.spec?.defaultInputs?.parameters ?? {};
  const inputs = new Map<string, SkeletonInput>();
  for (const [name, parameter] of Object.entries(parameters)) {
    const value =
      parameter.behavior.case === "default"
        ? literalToPlain(parameter.behavior.value)
        : defaultValueForType(parameter.var?.type);
    inputs.set(name, { value, description: describe(name, parameter.var?.description ?? "") });
  }
  return skeleton({
    kind: "workflow",
    name: launchPlan.id?.name ?? "",
    version: launchPlan.id?.version ?? "",
    inputs,
  });
}

function describe(name: string, description: string): string {
  return description === name ? "" : description;
}

/** flytectl's ExecutionConfig, in its field order, inputs sorted and commented with their descriptions. */
function skeleton(spec: {
  kind: "task" | "workflow";
  name: string;
  version: string;
  inputs: ReadonlyMap<string, SkeletonInput>;
}): string {
  const names = [...spec.inputs.keys()].sort();
  const document = new Document({
    iamRoleARN: "",
    inputs: Object.fromEntries(names.map((name) => [name, spec.inputs.get(name)?.value ?? null])),
    envs: {},
    kubeServiceAcct: "",
    targetDomain: "",
    targetProject: "",
    ...(spec.kind === "task" ? { task: spec.name } : {}),
    version: spec.version,
    ...(spec.kind === "workflow" ? { workflow: spec.name } : {}),
  });
  const inputs = document.get("inputs", true);
  if (isMap(inputs)) {
    for (const pair of inputs.items as Pair[]) {
      const description = spec.inputs.get(String(isNode(pair.key) ? pair.key.toJSON() : pair.key))?.description;
      if (description !== undefined && description !== "" && isNode(pair.value)) pair.value.comment = ` ${description}`;
    }
  }
  return document.toString({ lineWidth: 0 });
}
