/**
 * The parts of a package entity that registration rewrites, found as flytectl's `hydrateSpec` finds them
 * (`flytectl/cmd/register/register_util.go`): every identifier it hydrates, and every container argument list
 * that may hold fast-registration placeholders. Both walks return the live objects, to read or to change.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Node, WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { PackageEntity } from "../package/package-entity.js";

/**
 * The identifiers registration fills in: a task's id; a workflow's id, its sub-workflows' ids and every task,
 * sub-workflow and launch plan its nodes refer to (through branches, array nodes and failure nodes); a launch
 * plan's id and its workflow's.
 */
export function identifiersOf(entity: PackageEntity): Identifier[] {
  const ids: Identifier[] = [];
  const add = (id: Identifier | undefined) => {
    if (id !== undefined) ids.push(id);
  };
  switch (entity.kind) {
    case "task":
      add(entity.spec.template?.id);
      break;
    case "workflow":
      for (const workflow of workflowsOf(entity)) {
        for (const node of nodesOf(workflow)) {
          const target = node.target;
          if (target.case === "taskNode" && target.value.reference.case === "referenceId") {
            add(target.value.reference.value);
          } else if (target.case === "workflowNode") {
            add(target.value.reference.value);
          }
        }
        add(workflow.id);
      }
      break;
    case "launchPlan":
      add(entity.launchPlan.id);
      add(entity.launchPlan.spec?.workflowId);
      break;
  }
  return ids;
}

/**
 * The container argument lists of an entity: a task's container args, or the args of every container in its
 * pod spec; for a workflow, the containers of each task node's pod-template override (flytekit copies the
 * task's args there for `with_overrides(pod_template=…)`). Pod specs are `google.protobuf.Struct`s, so their
 * lists are JSON arrays; only string items can be placeholders.
 */
export function argListsOf(entity: PackageEntity): JsonValue[][] {
  switch (entity.kind) {
    case "task": {
      const target = entity.spec.template?.target;
      if (target?.case === "container") return [target.value.args];
      if (target?.case === "k8sPod") return podSpecArgLists(target.value.podSpec);
      return [];
    }
    case "workflow":
      return workflowsOf(entity).flatMap((workflow) =>
        nodesOf(workflow).flatMap((node) =>
          node.target.case === "taskNode" ? podSpecArgLists(node.target.value.overrides?.podTemplate?.podSpec) : [],
        ),
      );
    case "launchPlan":
      return [];
  }
}

function workflowsOf(entity: PackageEntity & { kind: "workflow" }): WorkflowTemplate[] {
  const { template, subWorkflows } = entity.spec;
  return template === undefined ? [...subWorkflows] : [template, ...subWorkflows];
}

/** A workflow's nodes and failure node, with every node nested in branches and array nodes. */
function nodesOf(workflow: WorkflowTemplate): Node[] {
  const out: Node[] = [];
  const visit = (node: Node | undefined) => {
    if (node === undefined) return;
    out.push(node);
    const target = node.target;
    if (target.case === "branchNode") {
      const ifElse = target.value.ifElse;
      visit(ifElse?.case?.thenNode);
      for (const other of ifElse?.other ?? []) visit(other.thenNode);
      if (ifElse?.default.case === "elseNode") visit(ifElse.default.value);
    } else if (target.case === "arrayNode") {
      visit(target.value.node);
    }
  };
  for (const node of workflow.nodes) visit(node);
  visit(workflow.failureNode);
  return out;
}

function podSpecArgLists(podSpec: JsonObject | undefined): JsonValue[][] {
  const containers = podSpec?.containers;
  if (!Array.isArray(containers)) return [];
  const lists: JsonValue[][] = [];
  for (const container of containers) {
    if (container !== null && typeof container === "object" && !Array.isArray(container)) {
      const args = (container as JsonObject).args;
      if (Array.isArray(args)) lists.push(args);
    }
  }
  return lists;
}
