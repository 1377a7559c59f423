/**
 * The execution as the nodes of a dynamic workflow see it: everything is the execution's except the
 * closure, which is the dynamic workflow's (its tasks and sub-workflows), as propeller gives a dynamic
 * workflow's nodes an execution context whose task and sub-workflow getters are the dynamic workflow's
 * (nodes/dynamic/dynamic_workflow.go, `executors.NewExecutionContext`).
 */
import type { ClosureIndex } from "../executor/closure-index.js";
import type { ExecutionContext } from "./node-handler.js";

/** `x` with `closure` in place of its own. */
export function executionWithClosure(x: ExecutionContext, closure: ClosureIndex): ExecutionContext {
  return {
    get executionId() {
      return x.executionId;
    },
    get request() {
      return x.request;
    },
    closure,
    get dataDir() {
      return x.dataDir;
    },
    get rawOutputPrefix() {
      return x.rawOutputPrefix;
    },
    get eventVersion() {
      return x.eventVersion;
    },
    get services() {
      return x.services;
    },
    get events() {
      return x.events;
    },
    get parallelism() {
      return x.parallelism;
    },
    now: () => x.now(),
    wakeAt: (epochMs) => x.wakeAt(epochMs),
    wake: () => x.wake(),
  };
}
