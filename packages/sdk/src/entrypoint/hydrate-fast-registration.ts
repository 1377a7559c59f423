import { clone } from "@bufbuild/protobuf";
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { DynamicJobSpecSchema, type DynamicJobSpec } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";

/** flytectl's fast-registration placeholders (`registrationRemotePackagePattern`, `registrationDestDirPattern`). */
export const REMOTE_PACKAGE_PLACEHOLDER = "{{ .remote_package_path }}";
export const DEST_DIR_PLACEHOLDER = "{{ .dest_dir }}";

function replaceArgs(args: readonly string[], distribution: string, destDir: string): string[] {
  return args.map((a) => (a === REMOTE_PACKAGE_PLACEHOLDER ? distribution : a === DEST_DIR_PLACEHOLDER ? destDir : a));
}

/**
 * A dynamic task's `DynamicJobSpec` with the fast-registration placeholders of its tasks' containers
 * filled in (container args, and the containers of pod specs), as flytectl fills them at
 * registration: propeller runs these templates without registering them, so nobody else would.
 * flytekit gets the same effect by serializing children with `--dynamic-addl-distro`.
 */
export function hydrateFastRegistration(
  spec: DynamicJobSpec,
  options: { distribution: string; destDir: string },
): DynamicJobSpec {
  const out = clone(DynamicJobSpecSchema, spec);
  const { distribution, destDir } = options;
  for (const task of out.tasks) {
    const target = task.target;
    if (target.case === "container") {
      target.value.args = replaceArgs(target.value.args, distribution, destDir);
    } else if (target.case === "k8sPod" && target.value.podSpec !== undefined) {
      const containers = (target.value.podSpec as JsonObject).containers;
      if (!Array.isArray(containers)) continue;
      for (const c of containers as JsonValue[]) {
        const container = c as JsonObject | null;
        if (container !== null && Array.isArray(container.args)) {
          container.args = replaceArgs(container.args as string[], distribution, destDir);
        }
      }
    }
  }
  return out;
}
