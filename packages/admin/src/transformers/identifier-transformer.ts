import { create } from "@bufbuild/protobuf";
import {
  type Identifier,
  IdentifierSchema,
  type NodeExecutionIdentifier,
  NodeExecutionIdentifierSchema,
  ResourceType,
  type SignalIdentifier,
  type TaskExecutionIdentifier,
  TaskExecutionIdentifierSchema,
  type WorkflowExecutionIdentifier,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type NamedEntityIdentifier, NamedEntityIdentifierSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type {
  EntityKey,
  ExecutionKey,
  NamedEntityKey,
  NodeExecutionKey,
  SignalKey,
  TaskExecutionKey,
} from "../repositories/keys.js";

/*
 * Identifier protos ↔ repository keys. Requests are validated before they reach a repository, so a
 * missing nested message simply becomes empty strings here.
 */

/** `core.Identifier` → the repository key of a task, workflow or launch plan version. */
export function entityKeyFromId(id: Identifier | undefined): EntityKey {
  return { project: id?.project ?? "", domain: id?.domain ?? "", name: id?.name ?? "", version: id?.version ?? "" };
}

/** A versioned entity key (e.g. from a row) → `core.Identifier` of `resourceType`. */
export function entityKeyToId(key: EntityKey, resourceType: ResourceType): Identifier {
  return create(IdentifierSchema, { resourceType, ...pick(key) });
}

/** `admin.NamedEntityIdentifier` (or any id with project, domain, name) → its key. */
export function namedEntityKeyFromId(
  id: { project: string; domain: string; name: string } | undefined,
): NamedEntityKey {
  return { project: id?.project ?? "", domain: id?.domain ?? "", name: id?.name ?? "" };
}

/** A (project, domain, name) → `admin.NamedEntityIdentifier` (ListTaskIds & co.). */
export function namedEntityKeyToId(key: NamedEntityKey): NamedEntityIdentifier {
  return create(NamedEntityIdentifierSchema, { project: key.project, domain: key.domain, name: key.name });
}

/** `core.WorkflowExecutionIdentifier` → its key. */
export function executionKeyFromId(id: WorkflowExecutionIdentifier | undefined): ExecutionKey {
  return { project: id?.project ?? "", domain: id?.domain ?? "", name: id?.name ?? "" };
}

/** An execution key → `core.WorkflowExecutionIdentifier`. */
export function executionKeyToId(key: ExecutionKey): WorkflowExecutionIdentifier {
  return create(WorkflowExecutionIdentifierSchema, { project: key.project, domain: key.domain, name: key.name });
}

/** `core.NodeExecutionIdentifier` → its key. */
export function nodeExecutionKeyFromId(id: NodeExecutionIdentifier | undefined): NodeExecutionKey {
  return { executionId: executionKeyFromId(id?.executionId), nodeId: id?.nodeId ?? "" };
}

/** A node execution key → `core.NodeExecutionIdentifier`. */
export function nodeExecutionKeyToId(key: NodeExecutionKey): NodeExecutionIdentifier {
  return create(NodeExecutionIdentifierSchema, { nodeId: key.nodeId, executionId: executionKeyToId(key.executionId) });
}

/** `core.TaskExecutionIdentifier` → its key. */
export function taskExecutionKeyFromId(id: TaskExecutionIdentifier | undefined): TaskExecutionKey {
  return {
    taskId: entityKeyFromId(id?.taskId),
    nodeExecutionId: nodeExecutionKeyFromId(id?.nodeExecutionId),
    retryAttempt: id?.retryAttempt ?? 0,
  };
}

/** A task execution key → `core.TaskExecutionIdentifier` (the task id has type TASK). */
export function taskExecutionKeyToId(key: TaskExecutionKey): TaskExecutionIdentifier {
  return create(TaskExecutionIdentifierSchema, {
    taskId: entityKeyToId(key.taskId, ResourceType.TASK),
    nodeExecutionId: nodeExecutionKeyToId(key.nodeExecutionId),
    retryAttempt: key.retryAttempt,
  });
}

/** `core.SignalIdentifier` → its key. */
export function signalKeyFromId(id: SignalIdentifier | undefined): SignalKey {
  return { executionId: executionKeyFromId(id?.executionId), signalId: id?.signalId ?? "" };
}

function pick(key: EntityKey): EntityKey {
  return { project: key.project, domain: key.domain, name: key.name, version: key.version };
}
