/*
 * Allocation tokens of the resource manager (flytepropeller nodes/task/resourcemanager/resourcemanager.go):
 * `ex:<project>:<domain>:<execName>-<token>`, so project and project-domain scope limits count members by
 * prefix.
 */
import type { TaskExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";

const EXEC_URN_PREFIX = "ex";
const SEPARATOR = ":";

/** `ex:<project>:<domain>:<execName>-<token>` for a task attempt (token: usually its generated name). */
export function allocationToken(taskExecutionId: TaskExecutionIdentifier, token: string): string {
  const execution = taskExecutionId.nodeExecutionId?.executionId;
  const prefix = [EXEC_URN_PREFIX, execution?.project ?? "", execution?.domain ?? "", execution?.name ?? ""].join(
    SEPARATOR,
  );
  return `${prefix}-${token}`;
}

/** The prefixes a token's project-scope and project-domain-scope limits count by (`ex:<p>`, `ex:<p>:<d>`). */
export function allocationScopePrefixes(token: string): { project: string; namespace: string } {
  const [urn = "", project = "", domain = ""] = token.split(SEPARATOR);
  return { project: `${urn}${SEPARATOR}${project}`, namespace: `${urn}${SEPARATOR}${project}${SEPARATOR}${domain}` };
}
