import { create, equals } from "@bufbuild/protobuf";
import {
  type Identifier,
  IdentifierSchema,
  type NodeExecutionIdentifier,
  NodeExecutionIdentifierSchema,
  ResourceType,
  type TaskExecutionIdentifier,
  TaskExecutionIdentifierSchema,
  type WorkflowExecutionIdentifier,
  WorkflowExecutionIdentifierSchema,
} from "./gen/flyteidl/core/identifier_pb.js";

/** The parts of a task, workflow or launch plan id. */
export interface EntityIdParts {
  project: string;
  domain: string;
  name: string;
  version: string;
  /** @default "" */
  org?: string;
}

/** The parts of a workflow execution id. */
export interface WorkflowExecutionIdParts {
  project: string;
  domain: string;
  /** The execution's name, unique within the project and domain. */
  name: string;
  /** @default "" */
  org?: string;
}

/** The parts of a node execution id. */
export interface NodeExecutionIdParts {
  executionId: WorkflowExecutionIdentifier;
  nodeId: string;
}

/** The parts of a task execution id. */
export interface TaskExecutionIdParts {
  taskId: Identifier;
  nodeExecutionId: NodeExecutionIdentifier;
  /** @default 0 */
  retryAttempt?: number;
}

/** Any of flyteidl's four identifier messages. */
export type AnyIdentifier =
  Identifier | WorkflowExecutionIdentifier | NodeExecutionIdentifier | TaskExecutionIdentifier;

function entityId(resourceType: ResourceType, parts: EntityIdParts): Identifier {
  return create(IdentifierSchema, {
    resourceType,
    project: parts.project,
    domain: parts.domain,
    name: parts.name,
    version: parts.version,
    org: parts.org ?? "",
  });
}

/** A task's `Identifier` (resource type TASK). */
export function taskId(parts: EntityIdParts): Identifier {
  return entityId(ResourceType.TASK, parts);
}

/** A workflow's `Identifier` (resource type WORKFLOW). */
export function workflowId(parts: EntityIdParts): Identifier {
  return entityId(ResourceType.WORKFLOW, parts);
}

/** A launch plan's `Identifier` (resource type LAUNCH_PLAN). */
export function launchPlanId(parts: EntityIdParts): Identifier {
  return entityId(ResourceType.LAUNCH_PLAN, parts);
}

/** A `WorkflowExecutionIdentifier`. */
export function workflowExecutionId(parts: WorkflowExecutionIdParts): WorkflowExecutionIdentifier {
  return create(WorkflowExecutionIdentifierSchema, {
    project: parts.project,
    domain: parts.domain,
    name: parts.name,
    org: parts.org ?? "",
  });
}

/** A `NodeExecutionIdentifier`: a node of a workflow execution. */
export function nodeExecutionId(parts: NodeExecutionIdParts): NodeExecutionIdentifier {
  return create(NodeExecutionIdentifierSchema, { executionId: parts.executionId, nodeId: parts.nodeId });
}

/** A `TaskExecutionIdentifier`: one attempt of a task at a node. */
export function taskExecutionId(parts: TaskExecutionIdParts): TaskExecutionIdentifier {
  return create(TaskExecutionIdentifierSchema, {
    taskId: parts.taskId,
    nodeExecutionId: parts.nodeExecutionId,
    retryAttempt: parts.retryAttempt ?? 0,
  });
}

const RESOURCE_TYPE_NAMES: Record<ResourceType, string> = {
  [ResourceType.UNSPECIFIED]: "unspecified",
  [ResourceType.TASK]: "task",
  [ResourceType.WORKFLOW]: "workflow",
  [ResourceType.LAUNCH_PLAN]: "launch plan",
  [ResourceType.DATASET]: "dataset",
};

/** The lower-case name of a resource type for messages: `task`, `workflow`, `launch plan`, `dataset`, `unspecified`. */
export function resourceTypeName(resourceType: ResourceType): string {
  return RESOURCE_TYPE_NAMES[resourceType] ?? `resource type ${resourceType}`;
}

/**
 * A stable string key for maps and sets, distinct for every distinct id: it includes the kind of
 * id, the resource type and every field (org too), JSON-encoded so no name can collide with
 * another by containing a separator. Not meant for display; see {@link formatIdentifier}.
 */
export function identifierKey(id: AnyIdentifier): string {
  return JSON.stringify(keyParts(id));
}

function keyParts(id: AnyIdentifier): unknown[] {
  switch (id.$typeName) {
    case "flyteidl.core.Identifier":
      return [ResourceType[id.resourceType] ?? id.resourceType, id.org, id.project, id.domain, id.name, id.version];
    case "flyteidl.core.WorkflowExecutionIdentifier":
      return ["EXECUTION", id.org, id.project, id.domain, id.name];
    case "flyteidl.core.NodeExecutionIdentifier":
      return ["NODE_EXECUTION", id.executionId ? keyParts(id.executionId) : null, id.nodeId];
    case "flyteidl.core.TaskExecutionIdentifier":
      return [
        "TASK_EXECUTION",
        id.taskId ? keyParts(id.taskId) : null,
        id.nodeExecutionId ? keyParts(id.nodeExecutionId) : null,
        id.retryAttempt,
      ];
  }
}

/**
 * A human-readable form of any id, for messages and logs:
 * - `task proj/dev/my.task@v1` (`org/` leads when set; `@version` is left out when empty; the kind is
 *   left out when the resource type is unspecified);
 * - `execution proj/dev/abc123`;
 * - `node n0 of execution proj/dev/abc123`;
 * - `attempt 1 of task proj/dev/my.task@v1 at node n0 of execution proj/dev/abc123`.
 */
export function formatIdentifier(id: AnyIdentifier): string {
  switch (id.$typeName) {
    case "flyteidl.core.Identifier": {
      const version = id.version ? `@${id.version}` : "";
      const path = `${orgPrefix(id.org)}${id.project}/${id.domain}/${id.name}${version}`;
      return id.resourceType === ResourceType.UNSPECIFIED ? path : `${resourceTypeName(id.resourceType)} ${path}`;
    }
    case "flyteidl.core.WorkflowExecutionIdentifier":
      return `execution ${orgPrefix(id.org)}${id.project}/${id.domain}/${id.name}`;
    case "flyteidl.core.NodeExecutionIdentifier":
      return `node ${id.nodeId} of ${id.executionId ? formatIdentifier(id.executionId) : "an unknown execution"}`;
    case "flyteidl.core.TaskExecutionIdentifier": {
      const task = id.taskId ? formatIdentifier(id.taskId) : "an unknown task";
      const node = id.nodeExecutionId ? formatIdentifier(id.nodeExecutionId) : "an unknown node";
      return `attempt ${id.retryAttempt} of ${task} at ${node}`;
    }
  }
}

function orgPrefix(org: string): string {
  return org ? `${org}/` : "";
}

/** Whether two ids are of the same kind and equal in every field. */
export function identifiersEqual(a: AnyIdentifier, b: AnyIdentifier): boolean {
  switch (a.$typeName) {
    case "flyteidl.core.Identifier":
      return b.$typeName === a.$typeName && equals(IdentifierSchema, a, b);
    case "flyteidl.core.WorkflowExecutionIdentifier":
      return b.$typeName === a.$typeName && equals(WorkflowExecutionIdentifierSchema, a, b);
    case "flyteidl.core.NodeExecutionIdentifier":
      return b.$typeName === a.$typeName && equals(NodeExecutionIdentifierSchema, a, b);
    case "flyteidl.core.TaskExecutionIdentifier":
      return b.$typeName === a.$typeName && equals(TaskExecutionIdentifierSchema, a, b);
  }
}
