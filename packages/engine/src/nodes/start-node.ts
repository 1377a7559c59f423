import type { NodeHandler } from "./node-handler.js";

/**
 * The start node (nodes/start/handler.go): succeeds at once. Its outputs, the workflow's inputs, were
 * written before the DAG started (`<start dataDir>/0/outputs.pb`).
 */
export function createStartNodeHandler(): NodeHandler {
  return {
    kind: "start",
    finalizeRequired: false,
    handle: () => Promise.resolve({ phase: "success" }),
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
}
