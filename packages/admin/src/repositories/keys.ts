import { protoText } from "./identifier-text.js";

/** A versioned entity (task, workflow, launch plan): flyteidl `core.Identifier` without the type. */
export interface EntityKey {
  project: string;
  domain: string;
  name: string;
  version: string;
}

/** An entity name across versions: flyteidl `admin.NamedEntityIdentifier`. */
export interface NamedEntityKey {
  project: string;
  domain: string;
  name: string;
}

/** A workflow execution: flyteidl `core.WorkflowExecutionIdentifier`. */
export interface ExecutionKey {
  project: string;
  domain: string;
  name: string;
}

/** A node execution: flyteidl `core.NodeExecutionIdentifier`. */
export interface NodeExecutionKey {
  executionId: ExecutionKey;
  nodeId: string;
}

/** A task execution attempt: flyteidl `core.TaskExecutionIdentifier`. */
export interface TaskExecutionKey {
  taskId: EntityKey;
  nodeExecutionId: NodeExecutionKey;
  retryAttempt: number;
}

/** A gate signal: flyteidl `core.SignalIdentifier`. */
export interface SignalKey {
  executionId: ExecutionKey;
  signalId: string;
}

/** `project:"p" domain:"d" name:"n" version:"v"`, as flyteadmin prints a `core.Identifier`. */
export function entityKeyText(key: EntityKey): string {
  return protoText([
    ["project", key.project],
    ["domain", key.domain],
    ["name", key.name],
    ["version", key.version],
  ]);
}

/** `project:"p" domain:"d" name:"n"`, as flyteadmin prints a `core.WorkflowExecutionIdentifier`. */
export function executionKeyText(key: ExecutionKey): string {
  return protoText([
    ["project", key.project],
    ["domain", key.domain],
    ["name", key.name],
  ]);
}

/** `node_id:"n" execution_id:{…}`, as flyteadmin prints a `core.NodeExecutionIdentifier`. */
export function nodeExecutionKeyText(key: NodeExecutionKey): string {
  return protoText([
    ["node_id", key.nodeId],
    [
      "execution_id",
      [
        ["project", key.executionId.project],
        ["domain", key.executionId.domain],
        ["name", key.executionId.name],
      ],
    ],
  ]);
}

/** `task_id:{…} node_execution_id:{…} retry_attempt:n`, as flyteadmin prints a `core.TaskExecutionIdentifier`. */
export function taskExecutionKeyText(key: TaskExecutionKey): string {
  return protoText([
    [
      "task_id",
      [
        ["project", key.taskId.project],
        ["domain", key.taskId.domain],
        ["name", key.taskId.name],
        ["version", key.taskId.version],
      ],
    ],
    [
      "node_execution_id",
      [
        ["node_id", key.nodeExecutionId.nodeId],
        [
          "execution_id",
          [
            ["project", key.nodeExecutionId.executionId.project],
            ["domain", key.nodeExecutionId.executionId.domain],
            ["name", key.nodeExecutionId.executionId.name],
          ],
        ],
      ],
    ],
    ["retry_attempt", key.retryAttempt],
  ]);
}
