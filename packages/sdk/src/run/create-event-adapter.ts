import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { DECL } from "../entities/decl.js";
import { shortName } from "../entities/entity-label.js";
import type { LocalNodeEvent } from "../local/local-run-result.js";
import type { LocalCatalog } from "./local-catalog.js";
import type { NodeNames } from "./node-names.js";
import type { RunEvent } from "./run-options.js";

/** How progress shows a task: its name without module, `map(square)` for a map (`square` for its elements). */
export function taskDisplayName(catalog: LocalCatalog, id: Identifier, element: boolean): string | undefined {
  const entry = catalog.findTask(id);
  if (entry === undefined) return undefined;
  const decl = entry.entity[DECL];
  if (decl.kind === "map") {
    const inner = shortName(decl.inner.name ?? "task");
    return element ? inner : `map(${inner})`;
  }
  if (decl.kind === "reference") return decl.id.name;
  return entry.entity.name === undefined ? undefined : shortName(entry.entity.name);
}

/**
 * Node events for `onEvent`, with display names and durations. When a task runs on its own, paths
 * leave out the node of the workflow wrapping it: the task's own node has the path `""`.
 */
export function createEventAdapter(
  listener: ((event: RunEvent) => void) | undefined,
  names: NodeNames,
  single: boolean,
): ((event: LocalNodeEvent) => void) | undefined {
  if (listener === undefined) return undefined;
  const started = new Map<string, number>();
  return (event: LocalNodeEvent): void => {
    const now = performance.now();
    if (event.kind === "started") started.set(event.path, now);
    const begin = started.get(event.path);
    const ends = event.kind !== "started" && event.kind !== "retrying";
    const { name, element } = names.describe(event.path);
    const out: RunEvent = {
      kind: event.kind,
      path: single ? event.path.split("/").slice(1).join("/") : event.path,
      nodeId: event.nodeId,
      nodeKind: event.nodeKind,
      name,
      element,
      attempt: event.attempt,
      error: event.error?.message,
      durationMs: ends && begin !== undefined ? now - begin : undefined,
    };
    try {
      listener(out);
    } catch {
      // A failing progress listener must not break the run.
    }
  };
}
