import { compileErrors } from "../compile-errors.js";
import type { ErrorScope } from "../error-scope.js";
import { sortIds } from "../identifiers.js";
import { END_NODE_ID, START_NODE_ID } from "../workflow-graph.js";

/**
 * Walks the graph from the start node along downstream edges (propeller's `validateReachable`): a
 * back edge is a `CycleDetected` (the path from the start node is reported); otherwise every node not
 * reached, other than the end node, is reported as `UnreachableNodes`.
 *
 * Iterative and visiting each node once, so long chains cannot overflow the stack and diamonds do
 * not multiply work; neighbours are taken in sorted order so the reported cycle is deterministic.
 */
export function validateReachable(options: {
  nodeIds: Iterable<string>;
  downstream: ReadonlyMap<string, ReadonlySet<string>>;
  errs: ErrorScope;
}): boolean {
  const { downstream, errs } = options;
  const cycle = findCycle(START_NODE_ID, downstream);
  if (cycle.path !== undefined) {
    errs.collect(compileErrors.cycleDetected(cycle.path));
  } else {
    const unreachable = [...options.nodeIds].filter((id) => id !== END_NODE_ID && !cycle.visited.has(id));
    if (unreachable.length > 0) errs.collect(compileErrors.unreachableNodes(sortIds(unreachable)));
  }
  return !errs.hasErrors();
}

interface Frame {
  id: string;
  next: string[];
  i: number;
}

function findCycle(
  start: string,
  downstream: ReadonlyMap<string, ReadonlySet<string>>,
): { path: string[] | undefined; visited: Set<string> } {
  const visited = new Set<string>([start]);
  const onPath = new Set<string>([start]);
  const neighbours = (id: string): string[] => sortIds([...(downstream.get(id) ?? [])]);
  const stack: Frame[] = [{ id: start, next: neighbours(start), i: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const next = frame.next[frame.i++];
    if (next === undefined) {
      onPath.delete(frame.id);
      stack.pop();
      continue;
    }
    if (onPath.has(next)) return { path: [...stack.map((f) => f.id), next], visited };
    if (visited.has(next)) continue;
    visited.add(next);
    onPath.add(next);
    stack.push({ id: next, next: neighbours(next), i: 0 });
  }
  return { path: undefined, visited };
}
