/**
 * Test helper: reads packages written by `pyflyte package` (`.tgz` of numbered `.pb` files) and turns each file
 * into the create request flytectl's `register files` would send, hydrated as flytectl does (the
 * `{{ registration.project|domain|version }}` placeholders and empty fields of every identifier, including node
 * references, and the fast-registration `{{ .remote_package_path }}` / `{{ .dest_dir }}` arguments).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { gunzipSync } from "node:zlib";
import { create, fromBinary } from "@bufbuild/protobuf";
import {
  type LaunchPlanCreateRequest,
  LaunchPlanCreateRequestSchema,
  LaunchPlanSchema,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { type TaskCreateRequest, TaskCreateRequestSchema, TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import {
  type WorkflowCreateRequest,
  WorkflowCreateRequestSchema,
  WorkflowSpecSchema,
} from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Node, WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";

/** Where and as what version to register. */
export interface RegistrationTarget {
  project: string;
  domain: string;
  version: string;
  /** What `{{ .remote_package_path }}` becomes. @default "s3://bucket/fast/package.tar.gz" */
  remotePackagePath?: string;
}

/** One file of a package, as the request flytectl sends for it. */
export type FixtureEntity =
  | { file: string; kind: "task"; request: TaskCreateRequest }
  | { file: string; kind: "workflow"; request: WorkflowCreateRequest }
  | { file: string; kind: "launchPlan"; request: LaunchPlanCreateRequest };

/** The `.pb` files of a gzipped tar, sorted by file name (flytectl's registration order). */
export function readPackageFiles(tgzPath: string): { name: string; bytes: Uint8Array }[] {
  const tar = gunzipSync(readFileSync(tgzPath));
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const prefix = header.subarray(345, 500).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const path = prefix === "" ? name : `${prefix}/${name}`;
    const data = tar.subarray(offset + 512, offset + 512 + size);
    if ((type === "0" || type === "\0") && path.endsWith(".pb")) files.push({ name: basename(path), bytes: data });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Decodes and hydrates one `.pb` file by its suffix: `_1` TaskSpec, `_2` WorkflowSpec, `_3` LaunchPlan. */
export function fixtureEntity(name: string, bytes: Uint8Array, target: RegistrationTarget): FixtureEntity {
  if (name.endsWith("_1.pb")) {
    const spec = fromBinary(TaskSpecSchema, bytes);
    const template = spec.template;
    if (template?.id !== undefined) hydrateIdentifier(template.id, target);
    const container = template?.target.case === "container" ? template.target.value : undefined;
    if (container !== undefined) container.args = container.args.map((arg) => hydrateArg(arg, target));
    return {
      file: name,
      kind: "task",
      request: create(TaskCreateRequestSchema, { id: requestId(ResourceType.TASK, template?.id, target), spec }),
    };
  }
  if (name.endsWith("_2.pb")) {
    const spec = fromBinary(WorkflowSpecSchema, bytes);
    for (const workflow of [spec.template, ...spec.subWorkflows]) {
      if (workflow !== undefined) hydrateWorkflow(workflow, target);
    }
    return {
      file: name,
      kind: "workflow",
      request: create(WorkflowCreateRequestSchema, {
        id: requestId(ResourceType.WORKFLOW, spec.template?.id, target),
        spec,
      }),
    };
  }
  if (name.endsWith("_3.pb")) {
    const launchPlan = fromBinary(LaunchPlanSchema, bytes);
    if (launchPlan.id !== undefined) hydrateIdentifier(launchPlan.id, target);
    if (launchPlan.spec?.workflowId !== undefined) hydrateIdentifier(launchPlan.spec.workflowId, target);
    return {
      file: name,
      kind: "launchPlan",
      request: create(LaunchPlanCreateRequestSchema, {
        id: requestId(ResourceType.LAUNCH_PLAN, launchPlan.id, target),
        ...(launchPlan.spec === undefined ? {} : { spec: launchPlan.spec }),
      }),
    };
  }
  throw new Error(`${name}: not a _1/_2/_3 .pb file`);
}

/** Every entity of a `.tgz` package, hydrated, in registration order. */
export function readFixturePackage(tgzPath: string, target: RegistrationTarget): FixtureEntity[] {
  return readPackageFiles(tgzPath).map((file) => fixtureEntity(file.name, file.bytes, target));
}

/** flytectl always registers under its configured project and domain, with the hydrated name and version. */
function requestId(resourceType: ResourceType, id: Identifier | undefined, target: RegistrationTarget) {
  return {
    resourceType,
    project: target.project,
    domain: target.domain,
    name: id?.name ?? "",
    version: id?.version === undefined || id.version === "" ? target.version : id.version,
  };
}

function hydrateIdentifier(id: Identifier, target: RegistrationTarget): void {
  if (id.project === "" || id.project === "{{ registration.project }}") id.project = target.project;
  if (id.domain === "" || id.domain === "{{ registration.domain }}") id.domain = target.domain;
  if (id.version === "" || id.version === "{{ registration.version }}") id.version = target.version;
}

function hydrateArg(arg: string, target: RegistrationTarget): string {
  if (arg === "{{ .remote_package_path }}") return target.remotePackagePath ?? "s3://bucket/fast/package.tar.gz";
  if (arg === "{{ .dest_dir }}") return ".";
  return arg;
}

function hydrateWorkflow(workflow: WorkflowTemplate, target: RegistrationTarget): void {
  if (workflow.id !== undefined) hydrateIdentifier(workflow.id, target);
  for (const node of workflow.nodes) hydrateNode(node, target);
  if (workflow.failureNode !== undefined) hydrateNode(workflow.failureNode, target);
}

function hydrateNode(node: Node | undefined, target: RegistrationTarget): void {
  if (node === undefined) return;
  const t = node.target;
  switch (t.case) {
    case "taskNode":
      if (t.value.reference.case === "referenceId") hydrateIdentifier(t.value.reference.value, target);
      break;
    case "workflowNode":
      if (t.value.reference.value !== undefined) hydrateIdentifier(t.value.reference.value, target);
      break;
    case "branchNode": {
      const ifElse = t.value.ifElse;
      hydrateNode(ifElse?.case?.thenNode, target);
      for (const other of ifElse?.other ?? []) hydrateNode(other.thenNode, target);
      if (ifElse?.default.case === "elseNode") hydrateNode(ifElse.default.value, target);
      break;
    }
    case "arrayNode":
      hydrateNode(t.value.node, target);
      break;
    default:
      break;
  }
}
