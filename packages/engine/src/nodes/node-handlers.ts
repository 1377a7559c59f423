import { createArrayNodeHandler } from "./array-node.js";
import { createBranchNodeHandler } from "./branch-node.js";
import { createDynamicNodeHandler } from "./dynamic-node.js";
import { createEndNodeHandler } from "./end-node.js";
import { createGateNodeHandler } from "./gate-node.js";
import { createLaunchPlanNodeHandler } from "./launch-plan-node.js";
import type { NodeHandler, NodeKind } from "./node-handler.js";
import { createStartNodeHandler } from "./start-node.js";
import { createSubWorkflowNodeHandler } from "./subworkflow-node.js";
import { createTaskNodeHandler } from "./task-node.js";

/** The node kinds the engine supports out of the box. Add a kind here (one line) to make it available. */
export function defaultNodeHandlers(): NodeHandler[] {
  return [
    createStartNodeHandler(),
    createEndNodeHandler(),
    createDynamicNodeHandler(createTaskNodeHandler({ futures: "succeed" })),
    createBranchNodeHandler(),
    createSubWorkflowNodeHandler(),
    createGateNodeHandler(),
    createArrayNodeHandler(),
    createLaunchPlanNodeHandler(),
  ];
}

/** Handlers by kind; a later handler of the same kind replaces an earlier one. */
export function nodeHandlersByKind(handlers: readonly NodeHandler[]): ReadonlyMap<NodeKind, NodeHandler> {
  return new Map(handlers.map((handler) => [handler.kind, handler]));
}
