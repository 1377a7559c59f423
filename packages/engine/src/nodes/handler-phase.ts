import { NodePhase } from "../state/phases.js";
import type { HandlerPhase } from "./node-handler.js";

/** A handler's answer or the executor's own `skip`: whether the node is done with its handler. */
export function isTerminalHandlerPhase(phase: HandlerPhase | "skip"): boolean {
  return phase === "success" || phase === "failed" || phase === "skip" || phase === "timedOut" || phase === "recovered";
}

/** propeller's `ToNodePhase`: the node phase a handler's answer moves the node to. */
export function toNodePhase(phase: HandlerPhase | "skip"): NodePhase {
  switch (phase) {
    case "queued":
      return NodePhase.Queued;
    case "running":
      return NodePhase.Running;
    case "dynamicRunning":
      return NodePhase.DynamicRunning;
    case "retryableFailure":
      return NodePhase.RetryableFailure;
    case "skip":
      return NodePhase.Skipped;
    case "success":
      return NodePhase.Succeeding;
    case "failed":
      return NodePhase.Failing;
    case "timedOut":
      return NodePhase.TimingOut;
    case "recovered":
      return NodePhase.Recovered;
  }
}
