import { create } from "@bufbuild/protobuf";
import { CompiledTaskSchema, type CompiledTask } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  ParameterMapSchema,
  ParameterSchema,
  TypedInterfaceSchema,
  VariableMapSchema,
  type TypedInterface,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type {
  FlytePackage,
  PackageEntity,
  PackageEntityKind,
  PackageLaunchPlan,
  PackageWorkflow,
} from "../package/package-entity.js";
import type { CompileError, LaunchPlanInterface, PackageCompiler } from "./package-compiler.js";

/** The outcome for one entity of a package. */
export interface EntityResult {
  readonly kind: PackageEntityKind;
  readonly name: string;
  /** As written in the package; pyflyte leaves `{{ registration.version }}` for registration to fill in. */
  readonly version: string;
  /** The `.pb` file it came from. */
  readonly file: string;
  /** Empty when the entity compiled (a launch plan: when its inputs fit its workflow). */
  readonly errors: readonly CompileError[];
}

/** What {@link compilePackage} found, one result per entity in file-name order. */
export interface PackageCompileReport {
  readonly results: readonly EntityResult[];
  /** Entities without errors. */
  readonly compiled: number;
  /** Entities with at least one error. */
  readonly failed: number;
}

/** Options for {@link compilePackage}. */
export interface CompilePackageOptions {
  pkg: FlytePackage;
  compiler: PackageCompiler;
}

type LaunchPlanCheck = { errors: CompileError[]; iface: LaunchPlanInterface | undefined };

/**
 * Compiles everything in a package offline, as `flytectl compile` does: every task, then every
 * workflow (with the package's tasks and the interfaces of the launch plans its nodes call, compiling
 * each such launch plan's workflow first, like flytectl's `handleWorkflow`), then checks every launch
 * plan's default and fixed inputs against its workflow's interface, as flyteadmin does on registration.
 *
 * Unlike flytectl, which stops at the first failure, every entity is checked and judged on its own
 * content: a workflow is compiled against the interfaces of all the package's tasks, including ones
 * that failed their own checks, and a launch-plan node sees the launch plan's interface even when the
 * launch plan's inputs are wrong (then, as in flytectl, every workflow input counts as optional). So
 * each mistake is reported once, where it was made. References to entities missing from the package
 * are left for the compiler to report with its own codes (`TaskReferenceNotFound`,
 * `WorkflowReferenceNotFound`).
 */
export function compilePackage(options: CompilePackageOptions): PackageCompileReport {
  const { pkg, compiler } = options;
  const errorsByEntity = new Map<PackageEntity, readonly CompileError[]>();

  const compiledTasks: CompiledTask[] = pkg.tasks.map((task) => {
    const template = task.spec.template;
    if (template === undefined) throw new Error(`${task.file}: task spec without template`);
    const result = compiler.compileTask(template);
    errorsByEntity.set(task, result.ok ? [] : result.errors);
    return result.ok ? result.value : create(CompiledTaskSchema, { template });
  });

  const workflowsById = firstByKey(pkg.workflows);
  const launchPlansById = firstByKey(pkg.launchPlans);
  const workflowState = new Map<PackageWorkflow, "compiling" | "done">();
  const launchPlanChecks = new Map<PackageLaunchPlan, LaunchPlanCheck>();

  const checkLaunchPlan = (launchPlan: PackageLaunchPlan): LaunchPlanCheck => {
    const known = launchPlanChecks.get(launchPlan);
    if (known !== undefined) return known;
    const workflowId = launchPlan.launchPlan.spec?.workflowId;
    const workflow = workflowId === undefined ? undefined : workflowsById.get(idKey(workflowId));
    let check: LaunchPlanCheck;
    if (workflow === undefined) {
      const message = `launch plan ${launchPlan.id.name} runs workflow ${describeId(workflowId)}, which is not in this package`;
      check = { errors: [{ code: "WorkflowReferenceNotFound", nodeId: "", message }], iface: undefined };
    } else {
      check = launchPlanAgainstWorkflow({ launchPlan, workflowInterface: interfaceOf(workflow), compiler });
    }
    launchPlanChecks.set(launchPlan, check);
    return check;
  };

  const compileWorkflow = (workflow: PackageWorkflow): void => {
    if (workflowState.has(workflow)) return;
    workflowState.set(workflow, "compiling");
    const primary = workflow.spec.template;
    if (primary === undefined) throw new Error(`${workflow.file}: workflow spec without template`);
    const subWorkflows = workflow.spec.subWorkflows;
    const launchPlans: LaunchPlanInterface[] = [];
    const seen = new Set<string>();
    for (const launchPlanId of compiler.getRequirements(primary, subWorkflows).launchPlanIds) {
      const launchPlan = launchPlansById.get(idKey(launchPlanId));
      if (launchPlan === undefined || seen.has(idKey(launchPlanId))) continue;
      seen.add(idKey(launchPlanId));
      const target = workflowsById.get(idKey(launchPlan.launchPlan.spec?.workflowId));
      if (target !== undefined) compileWorkflow(target);
      const { iface } = checkLaunchPlan(launchPlan);
      if (iface !== undefined) launchPlans.push(iface);
    }
    const result = compiler.compileWorkflow({ primary, subWorkflows, tasks: compiledTasks, launchPlans });
    errorsByEntity.set(workflow, result.ok ? [] : result.errors);
    workflowState.set(workflow, "done");
  };

  for (const workflow of pkg.workflows) compileWorkflow(workflow);
  for (const launchPlan of pkg.launchPlans) errorsByEntity.set(launchPlan, checkLaunchPlan(launchPlan).errors);

  const results = pkg.entities.map((entity): EntityResult => ({
    kind: entity.kind,
    name: entity.id.name,
    version: entity.id.version,
    file: entity.file,
    errors: errorsByEntity.get(entity) ?? [],
  }));
  const failed = results.filter((result) => result.errors.length > 0).length;
  return { results, compiled: results.length - failed, failed };
}

function launchPlanAgainstWorkflow(input: {
  launchPlan: PackageLaunchPlan;
  workflowInterface: TypedInterface;
  compiler: PackageCompiler;
}): LaunchPlanCheck {
  const { launchPlan, workflowInterface } = input;
  const spec = launchPlan.launchPlan.spec;
  const checked = input.compiler.validateLaunchPlanInputs({
    workflowInterface,
    defaultInputs: spec?.defaultInputs,
    fixedInputs: spec?.fixedInputs,
  });
  if (checked.ok) return { errors: [], iface: { id: launchPlan.id, ...checked.value } };
  // flytectl's interface for a launch plan: every workflow input, none required.
  const parameters = Object.fromEntries(
    Object.entries(workflowInterface.inputs?.variables ?? {}).map(([name, v]) => [
      name,
      create(ParameterSchema, { var: v }),
    ]),
  );
  const iface: LaunchPlanInterface = {
    id: launchPlan.id,
    expectedInputs: create(ParameterMapSchema, { parameters }),
    expectedOutputs: workflowInterface.outputs ?? create(VariableMapSchema),
  };
  return { errors: checked.errors, iface };
}

function interfaceOf(workflow: PackageWorkflow): TypedInterface {
  const declared = workflow.spec.template?.interface;
  return create(TypedInterfaceSchema, {
    inputs: declared?.inputs ?? create(VariableMapSchema),
    outputs: declared?.outputs ?? create(VariableMapSchema),
  });
}

function firstByKey<T extends PackageEntity>(entities: readonly T[]): Map<string, T> {
  const byKey = new Map<string, T>();
  for (const entity of entities) if (!byKey.has(idKey(entity.id))) byKey.set(idKey(entity.id), entity);
  return byKey;
}

// References carry their own resource type (a launch-plan node's reference says LAUNCH_PLAN), so it is not part of the key.
function idKey(id: Identifier | undefined): string {
  return id === undefined ? "" : [id.org, id.project, id.domain, id.name, id.version].join("\u0000");
}

function describeId(id: Identifier | undefined): string {
  if (id === undefined) return "(none)";
  return isPlaceholder(id.version) || id.version === "" ? id.name : `${id.name} (version ${id.version})`;
}

/** Whether a value is a `{{ registration.* }}` placeholder that registration replaces. */
export function isPlaceholder(value: string): boolean {
  return /^\{\{\s*registration\.\w+\s*\}\}$/.test(value);
}
