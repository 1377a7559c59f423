/**
 * Wake-ups for launch-plan nodes: a node waiting on a child execution registers the pair here, and when
 * an execution run by this engine reaches a terminal phase the engine's runner calls
 * {@link ChildExecutionWatch.terminated}, which wakes every parent waiting on it. This replaces
 * propeller's launch-plan status cache refresh (which re-enqueues the parent on a status change) for
 * children run by the same engine; children elsewhere are re-checked on the node's backstop timer.
 */
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { workflowKeyString } from "../state/workflow-store.js";

type ExecutionKey = Pick<WorkflowExecutionIdentifier, "project" | "domain" | "name">;

/** The runner's workflow key. */
function keyOf(id: ExecutionKey): string {
  return workflowKeyString({ project: id.project, domain: id.domain, name: id.name });
}

export class ChildExecutionWatch {
  /** Parent execution keys waiting on each child execution key. */
  readonly #parents = new Map<string, Set<string>>();
  #wake: (parentKey: string) => void = () => undefined;

  /** Where wake-ups go (the runner's `wake`). */
  onWake(wake: (parentKey: string) => void): void {
    this.#wake = wake;
  }

  /** `parent` waits on `child`. */
  register(child: ExecutionKey, parent: ExecutionKey): void {
    const key = keyOf(child);
    let parents = this.#parents.get(key);
    if (parents === undefined) this.#parents.set(key, (parents = new Set()));
    parents.add(keyOf(parent));
  }

  /** `parent` no longer waits on `child`. */
  unregister(child: ExecutionKey, parent: ExecutionKey): void {
    const key = keyOf(child);
    const parents = this.#parents.get(key);
    if (parents === undefined) return;
    parents.delete(keyOf(parent));
    if (parents.size === 0) this.#parents.delete(key);
  }

  /** An execution (by runner key `project/domain/name`) reached a terminal phase: wake its parents. */
  terminated(executionKey: string): void {
    const parents = this.#parents.get(executionKey);
    if (parents === undefined) return;
    this.#parents.delete(executionKey);
    for (const parent of parents) this.#wake(parent);
  }

  /** Children being waited on (for stats and tests). */
  get size(): number {
    return this.#parents.size;
  }
}
