import { literalToString } from "@aloft/idl";
import type { WorkflowExecutionGetDataResponse } from "@aloft/idl/gen/flyteidl/admin/execution_pb";

/**
 * An execution's outputs as `name: value` lines (`literalToString`: `42`, `"text"`, `[1, 2]`, a blob's URI…),
 * sorted by name. When admin did not inline them (larger than `remoteData.maxSizeInBytes`), one line with their
 * signed URL instead; no lines when there are no outputs.
 */
export function formatExecutionOutputs(data: WorkflowExecutionGetDataResponse): string[] {
  const literals = data.fullOutputs?.literals ?? {};
  const names = Object.keys(literals).sort();
  if (names.length > 0) return names.map((name) => `${name}: ${literalToString(literals[name]!)}`);
  const url = data.outputs?.url ?? "";
  if (url !== "") return [`outputs: ${url} (${data.outputs?.bytes ?? 0n} bytes, too large to show here)`];
  return [];
}
