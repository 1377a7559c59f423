/**
 * flytectl's `hydrateSpec` (`flytectl/cmd/register/register_util.go`): what `register files` fills into an entity
 * before sending it: the registration project, domain and version into its identifiers, the uploaded code
 * archive and destination folder into fast-registration container arguments, and the launch plan overrides.
 */
import { clone, create } from "@bufbuild/protobuf";
import { AuthRoleSchema, RawOutputDataConfigSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { SecurityContextSchema } from "@aloft/idl/gen/flyteidl/core/security_pb";
import type { PackageEntity } from "../package/package-entity.js";
import { argListsOf, identifiersOf } from "./entity-parts.js";

/** flytectl's placeholders, left in identifiers by `pyflyte package`. */
export const REGISTRATION_PROJECT = "{{ registration.project }}";
export const REGISTRATION_DOMAIN = "{{ registration.domain }}";
export const REGISTRATION_VERSION = "{{ registration.version }}";
/** Fast-registration placeholders in container arguments. */
export const REMOTE_PACKAGE_PATH = "{{ .remote_package_path }}";
export const DEST_DIR = "{{ .dest_dir }}";

/** What registration fills in. */
export interface HydrationSettings {
  project: string;
  domain: string;
  /** `--version`; needed only when an identifier has none (see {@link identifiersNeedingVersion}). */
  version: string | undefined;
  /** `--force`: the version replaces even concrete versions. */
  force: boolean;
  /** The uploaded code archive's URL; undefined leaves `{{ .remote_package_path }}` as it is (dry run). */
  remotePackagePath: string | undefined;
  /** `--destinationDirectory`; flytectl's default is ".". */
  destinationDirectory: string;
  /** `--assumableIamRole`, `--k8sServiceAccount`, `--outputLocationPrefix` for launch plans. */
  assumableIamRole?: string;
  k8sServiceAccount?: string;
  outputLocationPrefix?: string;
}

/**
 * Whether an identifier takes the registration version: always with `--force`, else when it has none or the
 * placeholder (flytectl's `hydrateIdentifier`).
 */
export function takesRegistrationVersion(id: Identifier, force: boolean): boolean {
  return force || id.version === "" || id.version === REGISTRATION_VERSION;
}

/** Whether some identifier of `entity` needs `--version` (so registering without one would send no version). */
export function needsRegistrationVersion(entity: PackageEntity): boolean {
  return identifiersOf(entity).some((id) => takesRegistrationVersion(id, false));
}

/** Whether some container of `entity` runs the fast-registration code archive. */
export function usesCodeArchive(entity: PackageEntity): boolean {
  return argListsOf(entity).some((args) => args.includes(REMOTE_PACKAGE_PATH));
}

/**
 * A hydrated copy of `entity` (the input is not changed). `id` of the result is the hydrated id of the entity
 * itself, whose name and version the create request carries.
 *
 * @throws Error when an identifier needs a version and `settings.version` is undefined (check first with
 *   {@link needsRegistrationVersion}).
 */
export function hydrateEntity(entity: PackageEntity, settings: HydrationSettings): PackageEntity {
  const copy = copyEntity(entity);
  for (const id of identifiersOf(copy)) hydrateIdentifier(id, settings);
  for (const args of argListsOf(copy)) {
    args.forEach((arg, i) => {
      if (arg === REMOTE_PACKAGE_PATH && settings.remotePackagePath !== undefined) {
        args[i] = settings.remotePackagePath;
      } else if (arg === DEST_DIR) {
        args[i] = settings.destinationDirectory === "" ? "." : settings.destinationDirectory;
      }
    });
  }
  if (copy.kind === "launchPlan") hydrateLaunchPlanSpec(copy, settings);
  return copy;
}

function copyEntity(entity: PackageEntity): PackageEntity {
  switch (entity.kind) {
    case "task": {
      const spec = clone(TaskSpecSchema, entity.spec);
      return { ...entity, spec, id: spec.template?.id ?? entity.id };
    }
    case "workflow": {
      const spec = clone(WorkflowSpecSchema, entity.spec);
      return { ...entity, spec, id: spec.template?.id ?? entity.id };
    }
    case "launchPlan": {
      const launchPlan = clone(LaunchPlanSchema, entity.launchPlan);
      return { ...entity, launchPlan, id: launchPlan.id ?? entity.id };
    }
  }
}

function hydrateIdentifier(id: Identifier, settings: HydrationSettings): void {
  if (id.project === "" || id.project === REGISTRATION_PROJECT) id.project = settings.project;
  if (id.domain === "" || id.domain === REGISTRATION_DOMAIN) id.domain = settings.domain;
  if (takesRegistrationVersion(id, settings.force)) {
    if (settings.version === undefined) throw new Error(`${id.name} has no version and none was given`);
    id.version = settings.version;
  }
}

// flytectl's `hydrateLaunchPlanSpec`: the role (as both auth role and security context) and the output prefix.
function hydrateLaunchPlanSpec(entity: PackageEntity & { kind: "launchPlan" }, settings: HydrationSettings): void {
  const spec = entity.launchPlan.spec;
  if (spec === undefined) return;
  const iamRole = settings.assumableIamRole ?? "";
  const serviceAccount = settings.k8sServiceAccount ?? "";
  if (iamRole !== "" || serviceAccount !== "") {
    spec.authRole = create(AuthRoleSchema, { assumableIamRole: iamRole, kubernetesServiceAccount: serviceAccount });
    spec.securityContext = create(SecurityContextSchema, {
      runAs: { iamRole, k8sServiceAccount: serviceAccount },
    });
  }
  if (settings.outputLocationPrefix !== undefined && settings.outputLocationPrefix !== "") {
    spec.rawOutputDataConfig = create(RawOutputDataConfigSchema, {
      outputLocationPrefix: settings.outputLocationPrefix,
    });
  }
}
