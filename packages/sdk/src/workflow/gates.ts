import { captureCallSite } from "../entities/call-site.js";
import type { CallSite } from "../entities/entity.js";
import type { Type } from "../types/type.js";
import { addNode, requireScope } from "./call.js";
import { definitionError } from "./definition-error.js";
import { REF_STATE, type RefState } from "./model.js";
import { makeNodeResult, type NodeHandle, type NodeRef } from "./node-result.js";
import { describeRef, type Ref } from "./ref.js";

/** Options of the gates. */
export interface GateOptions {
  /**
   * How long to wait before the node fails, in milliseconds.
   * @default 3_600_000 (one hour, flytekit's `DEFAULT_TIMEOUT`)
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60 * 60 * 1000;

function timeoutOf(options: GateOptions | undefined, what: string, site: CallSite | undefined): number {
  const ms = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
    throw definitionError(site, `${what}: timeoutMs must be a positive number of milliseconds`);
  }
  return ms;
}

function checkName(name: unknown, what: string, site: CallSite | undefined): string {
  if (typeof name !== "string" || name === "") throw definitionError(site, `${what}: give the signal a non-empty name`);
  return name;
}

/**
 * Waits for a value sent to the execution (`aloft signal`, the console, or `remote.signals.set`) under
 * `name`, and yields it (flytekit's `wait_for_input`): a gate node with a signal condition whose
 * output `o0` has `type`.
 */
export function waitForInput<T>(name: string, type: Type<T>, options?: GateOptions): NodeRef<T> {
  const site = captureCallSite();
  const what = `waitForInput("${String(name)}")`;
  const scope = requireScope(what, site);
  const signalId = checkName(name, what, site);
  if (typeof type !== "object" || type === null || type.literalType === undefined) {
    throw definitionError(site, `${what}: the second argument must be a type made by t.*`);
  }
  const node = addNode(scope, {
    target: { kind: "gate", gate: { kind: "signal", signalId, literalType: type.literalType, outputName: "o0" } },
    bindings: [],
    upstream: [],
    metadata: { name: signalId, timeoutMs: timeoutOf(options, what, site), retries: 0 },
    outputs: { o0: type.literalType },
    label: what,
    site,
  });
  return makeNodeResult(node, true) as NodeRef<T>;
}

/**
 * Waits for someone to approve `value` under the signal `name`, then passes it on unchanged (flytekit's
 * `approve`). `value` must be a node's output: workflow inputs cannot be approved (as in flytekit).
 */
export function approve<T>(value: Ref<T>, name: string, options?: GateOptions): NodeRef<T> {
  const site = captureCallSite();
  const what = `approve(…, "${String(name)}")`;
  const scope = requireScope(what, site);
  const signalId = checkName(name, what, site);
  const state: RefState | undefined =
    typeof value === "object" && value !== null && REF_STATE in value
      ? (value as { [REF_STATE]: RefState })[REF_STATE]
      : undefined;
  if (state === undefined) throw definitionError(site, `${what}: the first argument must be a node's output ref`);
  if (state.node === undefined)
    throw definitionError(site, `${what}: workflow inputs cannot be passed to approval nodes`);
  if (state.scope.root !== scope.root || !scope.sees(state.scope)) {
    throw definitionError(site, `${what}: ${describeRef(state)} cannot be used here`);
  }
  const node = addNode(scope, {
    target: { kind: "gate", gate: { kind: "approve", signalId } },
    bindings: [{ var: state.var, data: { kind: "promise", ref: state } }],
    upstream: [state.node],
    metadata: { name: signalId, timeoutMs: timeoutOf(options, what, site), retries: 0 },
    outputs: { [state.var]: state.literalType },
    label: what,
    site,
  });
  return makeNodeResult(node, true) as NodeRef<T>;
}

/** Waits `durationMs` milliseconds (flytekit's `sleep`): a gate node named `sleep-gate`. */
export function sleep(durationMs: number, options?: GateOptions): NodeHandle {
  const site = captureCallSite();
  const what = "sleep()";
  const scope = requireScope(what, site);
  if (typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs < 0) {
    throw definitionError(site, `${what}: durationMs must be a non-negative number of milliseconds`);
  }
  const node = addNode(scope, {
    target: { kind: "gate", gate: { kind: "sleep", durationMs } },
    bindings: [],
    upstream: [],
    metadata: { name: "sleep-gate", timeoutMs: timeoutOf(options, what, site), retries: 0 },
    outputs: {},
    label: what,
    site,
  });
  return makeNodeResult(node, false) as NodeHandle;
}
