import type { RunEvent } from "./run-options.js";

function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0]?.trim() ?? "";
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return "";
  return ms < 1000 ? ` (${Math.round(ms)}ms)` : ` (${(ms / 1000).toFixed(1)}s)`;
}

/**
 * The progress line `aloft run` prints (on stderr) for a node event, or `undefined` for events it does
 * not show: nodes starting, branches not taken, and map elements that succeed (the map's own line
 * says it). Marks: `✓` succeeded, `•` cached, `✗` failed, `⏱` timed out, `↻` retrying, `⊘` aborted.
 *
 * ```
 * ✓ n0 sayHello (2ms)
 * ↻ n1 fetch: attempt 1 failed, retrying: connection reset
 * ✗ n2/n3 square[3] (1ms): x must be positive
 * ```
 */
export function formatRunEvent(event: RunEvent): string | undefined {
  const name =
    event.name === undefined ? undefined : `${event.name}${event.element === undefined ? "" : `[${event.element}]`}`;
  const what = [event.path, name].filter((p) => p !== undefined && p !== "").join(" ") || event.nodeId;
  const element = event.element !== undefined;
  switch (event.kind) {
    case "succeeded":
      return element ? undefined : `✓ ${what}${duration(event.durationMs)}`;
    case "cache-hit":
      return element ? undefined : `• ${what} (cached)`;
    case "failed":
      return `✗ ${what}${duration(event.durationMs)}: ${firstLine(event.error)}`;
    case "timed-out":
      return `⏱ ${what} timed out${duration(event.durationMs)}`;
    case "retrying":
      return `↻ ${what}: attempt ${event.attempt} failed, retrying: ${firstLine(event.error)}`;
    case "aborted":
      return element ? undefined : `⊘ ${what} aborted`;
    default:
      return undefined;
  }
}
