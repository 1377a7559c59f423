import { create, type JsonValue } from "@bufbuild/protobuf";
import { CompiledTaskSchema, type CompiledTask } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import {
  Resources_ResourceName,
  type Container,
  type K8sPod,
  type Resources_ResourceEntry,
  type TaskTemplate,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { compileError, type CompileResult } from "./compile-error.js";
import { ErrorScope } from "./error-scope.js";
import { isDns1123Label, isKubernetesQuantity } from "./k8s-validation.js";

/**
 * Validates a task template (propeller's `CompileTask`) and wraps it as a `CompiledTask` (the template
 * is used as is, not copied). Checks: the id is set; a container has an image, resource quantities
 * that parse, and a command or args when the interface has inputs or outputs; a Kubernetes pod spec
 * decodes and names each container with a DNS-1123 label. Other targets are not inspected.
 */
export function compileTask(template: TaskTemplate): CompileResult<CompiledTask> {
  const errs = ErrorScope.root();
  if (template.id === undefined) {
    errs.collect(compileError("ValueRequired", "root", "Value required [Id]: the task template has no id."));
  }
  const target = template.target;
  if (target.case === "container") validateContainer(template, target.value, errs.child());
  else if (target.case === "k8sPod") validateK8sPod(target.value, errs.child());
  if (errs.hasErrors()) return { ok: false, errors: errs.list() };
  return { ok: true, value: create(CompiledTaskSchema, { template }) };
}

function validateContainer(template: TaskTemplate, container: Container, errs: ErrorScope): void {
  const inputs = Object.keys(template.interface?.inputs?.variables ?? {}).length;
  const outputs = Object.keys(template.interface?.outputs?.variables ?? {}).length;
  // Flyte tells an absent list from an empty one; on the wire they are the same, so both count as unset.
  if ((inputs > 0 || outputs > 0) && container.command.length === 0 && container.args.length === 0) {
    errs.collect(
      compileError(
        "ValueRequired",
        "container",
        "Value required [command]: a container task with inputs or outputs needs a command or args.",
      ),
    );
  }
  if (container.image === "") {
    errs.collect(compileError("ValueRequired", "container", "Value required [image]: the container has no image."));
  }
  if (container.resources !== undefined) {
    for (const entry of [...container.resources.requests, ...container.resources.limits]) {
      validateResource(entry, errs.child());
    }
  }
}

function validateResource(entry: Resources_ResourceEntry, errs: ErrorScope): void {
  if (isKubernetesQuantity(entry.value)) return;
  const name = Resources_ResourceName[entry.name] ?? String(entry.name);
  errs.collect(
    compileError(
      "UnrecognizedValue",
      `resources.${name}`,
      `Unrecognized value [${entry.value}]: resource ${name} must be a Kubernetes quantity such as 500m or 1Gi.`,
    ),
  );
}

function validateK8sPod(pod: K8sPod, errs: ErrorScope): void {
  const spec = pod.podSpec;
  const containers = spec?.["containers"];
  if (spec === undefined || !decodesAsPodSpec(spec)) {
    errs.collect(compileError("InvalidValue", "root", "Invalid value [k8s pod spec]: the pod spec does not decode."));
    return;
  }
  for (const c of Array.isArray(containers) ? containers : []) {
    const name = isObject(c) && typeof c["name"] === "string" ? c["name"] : "";
    if (!isDns1123Label(name)) {
      errs.collect(
        compileError(
          "InvalidValue",
          "root",
          "Invalid value [k8s pod spec container name]: container names must be DNS-1123 labels.",
        ),
      );
    }
  }
}

/** The shape checks Go's JSON decoding into a PodSpec would fail on, for the fields the compiler reads. */
function decodesAsPodSpec(spec: Record<string, JsonValue>): boolean {
  for (const field of ["containers", "initContainers"]) {
    const list = spec[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return false;
    for (const c of list) {
      if (c === null) continue;
      if (!isObject(c)) return false;
      const name = c["name"];
      if (name !== undefined && name !== null && typeof name !== "string") return false;
    }
  }
  return true;
}

function isObject(v: JsonValue | undefined): v is Record<string, JsonValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
