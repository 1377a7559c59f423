import type { LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type { TaskSpec } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import type { WorkflowSpec } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";

/** A task spec read from a package (`…_1.pb`). */
export interface PackageTask {
  readonly kind: "task";
  /** The file's path inside the package, with `/` separators. */
  readonly file: string;
  /** The task's id (`spec.template.id`), always present. */
  readonly id: Identifier;
  readonly spec: TaskSpec;
}

/** A workflow spec read from a package (`…_2.pb`), with its sub-workflows. */
export interface PackageWorkflow {
  readonly kind: "workflow";
  /** The file's path inside the package, with `/` separators. */
  readonly file: string;
  /** The workflow's id (`spec.template.id`), always present. */
  readonly id: Identifier;
  readonly spec: WorkflowSpec;
}

/** A launch plan read from a package (`…_3.pb`). */
export interface PackageLaunchPlan {
  readonly kind: "launchPlan";
  /** The file's path inside the package, with `/` separators. */
  readonly file: string;
  /** The launch plan's id, always present. */
  readonly id: Identifier;
  readonly launchPlan: LaunchPlan;
}

/** Any entity a package holds. */
export type PackageEntity = PackageTask | PackageWorkflow | PackageLaunchPlan;

/** The kinds of entity, in the order flytectl tries them on a file without a numbered suffix. */
export type PackageEntityKind = PackageEntity["kind"];

/**
 * The contents of a package as `pyflyte package` writes it, read by `readPackage`.
 * Entities appear in file-name order, which is the order Flyte registers them in.
 */
export interface FlytePackage {
  /** The path the package was read from, as given. */
  readonly source: string;
  readonly tasks: readonly PackageTask[];
  readonly workflows: readonly PackageWorkflow[];
  readonly launchPlans: readonly PackageLaunchPlan[];
  /** Every entity, in file-name order (the order to register them in). */
  readonly entities: readonly PackageEntity[];
  /** The `.pb` files read, in file-name order; `entities[i].file === files[i]`. */
  readonly files: readonly string[];
  /** Other files in the package, ignored here (e.g. the `fast….tar.gz` code bundle), in file-name order. */
  readonly otherFiles: readonly string[];
}
