import type { HandlerContext } from "@connectrpc/connect";
import type { ManagerContext } from "../managers/interfaces.js";
import { identityKey, requestIdKey } from "../server/context-keys.js";

/** The manager-facing view of a call's context. */
export function managerContext(context: HandlerContext): ManagerContext {
  return {
    requestId: context.values.get(requestIdKey),
    identity: context.values.get(identityKey),
    // Read only when used: the call's signal is made on first use (server/call-context.ts).
    get signal() {
      return context.signal;
    },
  };
}
