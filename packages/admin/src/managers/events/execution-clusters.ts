/**
 * The cluster each execution was handed to, which node and task events are checked against. It is set when
 * the execution is created and never changes, so it is read once per execution rather than once per event
 * (an execution's events arrive by the dozen).
 */
import type { ExecutionRepo } from "../../repositories/execution-repo.js";
import { type ExecutionKey, executionKeyText } from "../../repositories/keys.js";
import { LruMap } from "../execution/lru-map.js";

/** The cluster of an execution. @throws AloftError NotFound as `ExecutionRepo.get` for an unknown execution. */
export type ExecutionClusterLookup = (key: ExecutionKey) => Promise<string>;

const REMEMBERED_EXECUTIONS = 10_000;

/** An {@link ExecutionClusterLookup} over `executions`, remembering the most recently used executions. */
export function createExecutionClusterLookup(executions: Pick<ExecutionRepo, "get">): ExecutionClusterLookup {
  const known = new LruMap<string, string>(REMEMBERED_EXECUTIONS);
  return async (key) => {
    const text = executionKeyText(key);
    const cached = known.get(text);
    if (cached !== undefined) return cached;
    const { cluster } = await executions.get(key);
    known.set(text, cluster);
    return cluster;
  };
}
