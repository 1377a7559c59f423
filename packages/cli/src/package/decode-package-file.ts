import { AloftError } from "@aloft/idl";
import { fromBinary } from "@bufbuild/protobuf";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { PackageEntity, PackageEntityKind } from "./package-entity.js";

/** What {@link decodePackageFile} reads. */
export interface PackageFileInput {
  /** The file's path inside the package (`/` separators); its suffix picks the message tried first. */
  file: string;
  bytes: Uint8Array;
  /** How to name the file in an error, e.g. `x_2.pb in flyte-package.tgz`. */
  where: string;
}

type Attempt = { ok: true; entity: PackageEntity } | { ok: false; reason: string };

// pyflyte names files `<n>_<name>_<k>.pb`, k = 1 task, 2 workflow, 3 launch plan (flytectl's fnameRegex).
const kindSuffix = /_([1-3])\.pb$/;
const tryOrder: readonly PackageEntityKind[] = ["task", "workflow", "launchPlan"];
const kindNames: Record<PackageEntityKind, string> = { task: "task", workflow: "workflow", launchPlan: "launch plan" };

/**
 * Decodes one `.pb` file of a package the way flytectl does (`UnMarshalContents` with
 * `reorderUnMarshalFuncs`): the message named by the file's `_1`/`_2`/`_3` suffix first, then the
 * others in the order task, workflow, launch plan. Protobuf decoding is lenient (a task spec decodes
 * "successfully" as a launch plan), so a decoded message counts only if it really is what it claims:
 * an id with a name and the right resource type, a task template with a type, a launch plan naming
 * its workflow. A workflow whose id carries no resource type must at least have nodes.
 *
 * @throws AloftError `InvalidArgument` naming the file when it is none of the three.
 */
export function decodePackageFile(input: PackageFileInput): PackageEntity {
  if (input.bytes.length === 0) {
    throw AloftError.invalidArgument(`${input.where}: empty file, expected a task, workflow or launch plan`);
  }
  const order = orderFor(input.file);
  const reasons: string[] = [];
  for (const kind of order) {
    const attempt = decodeAs(kind, input);
    if (attempt.ok) return attempt.entity;
    reasons.push(`read as a ${kindNames[kind]}: ${attempt.reason}`);
  }
  throw AloftError.invalidArgument(`${input.where}: not a task, workflow or launch plan (${reasons[0] ?? ""})`);
}

function orderFor(file: string): readonly PackageEntityKind[] {
  const index = Number(kindSuffix.exec(file)?.[1] ?? 0);
  const first = tryOrder[index - 1];
  return first === undefined ? tryOrder : [first, ...tryOrder.filter((kind) => kind !== first)];
}

function decodeAs(kind: PackageEntityKind, input: PackageFileInput): Attempt {
  try {
    switch (kind) {
      case "task":
        return asTask(input);
      case "workflow":
        return asWorkflow(input);
      case "launchPlan":
        return asLaunchPlan(input);
    }
  } catch (error) {
    return { ok: false, reason: `invalid protobuf: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function asTask({ file, bytes }: PackageFileInput): Attempt {
  const spec = fromBinary(TaskSpecSchema, bytes);
  const id = spec.template?.id;
  const problem =
    idProblem(id, ResourceType.TASK, "template id") ?? (spec.template?.type ? undefined : "it has no task type");
  if (problem !== undefined || id === undefined) return { ok: false, reason: problem ?? "it has no template id" };
  return { ok: true, entity: { kind: "task", file, id, spec } };
}

function asWorkflow({ file, bytes }: PackageFileInput): Attempt {
  const spec = fromBinary(WorkflowSpecSchema, bytes);
  const id = spec.template?.id;
  let problem = idProblem(id, ResourceType.WORKFLOW, "template id");
  if (problem === undefined && id?.resourceType === ResourceType.UNSPECIFIED && !spec.template?.nodes.length) {
    problem = "it has no nodes and no resource type";
  }
  if (problem !== undefined || id === undefined) return { ok: false, reason: problem ?? "it has no template id" };
  return { ok: true, entity: { kind: "workflow", file, id, spec } };
}

function asLaunchPlan({ file, bytes }: PackageFileInput): Attempt {
  const launchPlan = fromBinary(LaunchPlanSchema, bytes);
  const id = launchPlan.id;
  const problem =
    idProblem(id, ResourceType.LAUNCH_PLAN, "id") ??
    (launchPlan.spec?.workflowId?.name ? undefined : "it has no workflow id");
  if (problem !== undefined || id === undefined) return { ok: false, reason: problem ?? "it has no id" };
  return { ok: true, entity: { kind: "launchPlan", file, id, launchPlan } };
}

function idProblem(id: Identifier | undefined, expected: ResourceType, label: string): string | undefined {
  if (id === undefined || id.name === "") return `it has no ${label}`;
  if (id.resourceType !== expected && id.resourceType !== ResourceType.UNSPECIFIED) {
    return `its ${label} has resource type ${ResourceType[id.resourceType] ?? id.resourceType}`;
  }
  return undefined;
}
