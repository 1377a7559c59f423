/** `flyteidl.service.SignalService` as thin handlers over the signal manager. */
import type { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import type { ServiceImpl } from "@connectrpc/connect";
import type { SignalManager } from "../managers/interfaces.js";
import { managerContext as ctx } from "./manager-context.js";

/** The SignalService implementation, or nothing (UNIMPLEMENTED) without a manager. */
export function createSignalServiceImpl(
  signals: SignalManager | undefined,
): Partial<ServiceImpl<typeof SignalService>> {
  if (signals === undefined) return {};
  return {
    getOrCreateSignal: (req, c) => signals.getOrCreateSignal(req, ctx(c)),
    listSignals: (req, c) => signals.listSignals(req, ctx(c)),
    setSignal: (req, c) => signals.setSignal(req, ctx(c)),
  };
}
