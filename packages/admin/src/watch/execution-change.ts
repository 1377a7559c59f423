/**
 * What changed, by id only: watchers re-read the entity, so a change says nothing about its content and can cross
 * processes as a few bytes (a PostgreSQL `NOTIFY` payload).
 */
import type { EntityKey, ExecutionKey, TaskExecutionKey } from "../repositories/keys.js";

/** One stored change of a workflow execution, its node executions or its task executions. */
export type ExecutionChange =
  | { kind: "execution"; executionId: ExecutionKey }
  | { kind: "node"; executionId: ExecutionKey; nodeId: string }
  | { kind: "task"; executionId: ExecutionKey; task: TaskExecutionKey };

/**
 * What a subscriber receives: a change, or `resync` when changes may have been missed (a lost PostgreSQL `LISTEN`
 * connection) and everything should be re-read.
 */
export type ExecutionChangeNotice = ExecutionChange | { kind: "resync"; executionId: ExecutionKey };

/** The key subscriptions are held under. */
export function executionChangeKey(id: ExecutionKey): string {
  return JSON.stringify([id.project, id.domain, id.name]);
}

/** A change's wire form: a compact JSON array, tagged with the process that published it. */
export function executionChangeToPayload(change: ExecutionChange, origin: string): string {
  const { project, domain, name } = change.executionId;
  switch (change.kind) {
    case "execution":
      return JSON.stringify([origin, "e", project, domain, name]);
    case "node":
      return JSON.stringify([origin, "n", project, domain, name, change.nodeId]);
    case "task": {
      const { taskId, nodeExecutionId, retryAttempt } = change.task;
      return JSON.stringify([
        origin,
        "t",
        project,
        domain,
        name,
        nodeExecutionId.nodeId,
        taskId.project,
        taskId.domain,
        taskId.name,
        taskId.version,
        retryAttempt,
      ]);
    }
  }
}

/** The change in a payload and who published it, or undefined for a payload that is not one. */
export function executionChangeFromPayload(payload: string): { origin: string; change: ExecutionChange } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.slice(0, 5).every((part) => typeof part === "string")) return undefined;
  const [origin, kind, project, domain, name] = parsed as string[];
  const executionId: ExecutionKey = { project: project!, domain: domain!, name: name! };
  if (kind === "e" && parsed.length === 5) return { origin: origin!, change: { kind: "execution", executionId } };
  if (kind === "n" && parsed.length === 6 && typeof parsed[5] === "string") {
    return { origin: origin!, change: { kind: "node", executionId, nodeId: parsed[5] } };
  }
  if (kind === "t" && parsed.length === 11 && typeof parsed[10] === "number") {
    const strings = parsed.slice(5, 10);
    if (!strings.every((part) => typeof part === "string")) return undefined;
    const [nodeId, taskProject, taskDomain, taskName, taskVersion] = strings as string[];
    const taskId: EntityKey = { project: taskProject!, domain: taskDomain!, name: taskName!, version: taskVersion! };
    return {
      origin: origin!,
      change: {
        kind: "task",
        executionId,
        task: { taskId, nodeExecutionId: { executionId, nodeId: nodeId! }, retryAttempt: parsed[10] },
      },
    };
  }
  return undefined;
}
