/**
 * An array node's per-item state, kept compact (propeller's bit-packed `ArrayNodeState`, §2.8): one small
 * integer per item for the node phase, the plugin phase, the attempt and the system failures, each array
 * stored in the node status as a string of fixed-width base-36 digits. Only items still running keep a
 * record of more (plugin state and version, attempt start, queue time), so a 10,000-item map that is
 * mostly done stays a few tens of kilobytes.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { isTerminalNodePhase, type NodePhase } from "../state/phases.js";
import type { ArrayNodeStatus, StoredError } from "../state/workflow-status.js";

/** The array node's own phase (`ArrayNodePhase`). */
export enum ArrayNodePhase {
  None = 0,
  Executing = 1,
  Failing = 2,
  Succeeding = 3,
}

/** What a running item keeps beyond its packed numbers (propeller rebuilds these from the plugin). */
export interface RunningItemRecord {
  /** Plugin state. */
  state?: JsonValue;
  /** Last plugin phase version reported. */
  version?: number;
  /** When the plugin phase last changed. */
  updatedAt?: number;
  /** Start of the current attempt (execution deadline). */
  attemptStartedAt?: number;
  /** When the item was queued (active deadline). */
  queuedAt?: number;
}

/** Decoded per-item arrays of an array node. */
export class ArrayItems {
  readonly phases: Uint8Array;
  readonly taskPhases: Uint8Array;
  readonly attempts: Uint32Array;
  readonly systemFailures: Uint32Array;
  readonly running: Map<number, RunningItemRecord>;

  constructor(
    readonly size: number,
    running?: Map<number, RunningItemRecord>,
  ) {
    this.phases = new Uint8Array(size);
    this.taskPhases = new Uint8Array(size);
    this.attempts = new Uint32Array(size);
    this.systemFailures = new Uint32Array(size);
    this.running = running ?? new Map();
  }

  isTerminal(index: number): boolean {
    return isTerminalNodePhase(this.phases[index] as NodePhase);
  }

  /** Drops the running record of items that reached a terminal phase. */
  pruneRunning(): void {
    for (const index of this.running.keys()) if (this.isTerminal(index)) this.running.delete(index);
  }
}

/** The array node's sub-state as the handler works with it. */
export interface ArrayState {
  phase: ArrayNodePhase;
  error?: StoredError;
  taskPhaseVersion: number;
  items: ArrayItems | undefined;
  /** Items' outputs go to the store even when in memory (some kept in memory only were lost before). */
  writeItemOutputs?: boolean;
}

/** Reads the persisted sub-state (or the initial one). */
export function loadArrayState(stored: ArrayNodeStatus | undefined): ArrayState {
  const phase = (stored?.phase ?? ArrayNodePhase.None) as ArrayNodePhase;
  return {
    phase,
    ...(stored?.error === undefined ? {} : { error: stored.error }),
    taskPhaseVersion: stored?.taskPhaseVersion ?? 0,
    items: stored?.items === undefined ? undefined : decodeItems(stored.items),
    ...(stored?.writeItemOutputs === true ? { writeItemOutputs: true } : {}),
  };
}

/** The sub-state to persist. */
export function storeArrayState(state: ArrayState): ArrayNodeStatus {
  return {
    phase: state.phase,
    ...(state.error === undefined ? {} : { error: state.error }),
    ...(state.taskPhaseVersion === 0 ? {} : { taskPhaseVersion: state.taskPhaseVersion }),
    ...(state.items === undefined ? {} : { items: encodeItems(state.items) }),
    ...(state.writeItemOutputs === true ? { writeItemOutputs: true as const } : {}),
  };
}

/** Items as stored: `n` items, each array a string of `<width>`-digit base-36 numbers. */
function encodeItems(items: ArrayItems): JsonObject {
  items.pruneRunning();
  const running: JsonObject = {};
  for (const [index, record] of items.running) {
    const entry: JsonObject = {};
    if (record.state !== undefined) entry.s = record.state;
    if (record.version !== undefined && record.version !== 0) entry.v = record.version;
    if (record.updatedAt !== undefined) entry.u = record.updatedAt;
    if (record.attemptStartedAt !== undefined) entry.l = record.attemptStartedAt;
    if (record.queuedAt !== undefined) entry.q = record.queuedAt;
    running[String(index)] = entry;
  }
  return {
    n: items.size,
    p: packDigits(items.phases),
    t: packDigits(items.taskPhases),
    a: packDigits(items.attempts),
    f: packDigits(items.systemFailures),
    ...(items.running.size === 0 ? {} : { r: running }),
  };
}

function decodeItems(stored: JsonObject): ArrayItems {
  const size = Number(stored.n ?? 0);
  const running = new Map<number, RunningItemRecord>();
  const storedRunning = (stored.r ?? {}) as Record<string, JsonObject>;
  for (const [key, entry] of Object.entries(storedRunning)) {
    const record: RunningItemRecord = {};
    if (entry.s !== undefined) record.state = entry.s;
    if (typeof entry.v === "number") record.version = entry.v;
    if (typeof entry.u === "number") record.updatedAt = entry.u;
    if (typeof entry.l === "number") record.attemptStartedAt = entry.l;
    if (typeof entry.q === "number") record.queuedAt = entry.q;
    running.set(Number(key), record);
  }
  const items = new ArrayItems(size, running);
  unpackDigits(String(stored.p ?? ""), items.phases);
  unpackDigits(String(stored.t ?? ""), items.taskPhases);
  unpackDigits(String(stored.a ?? ""), items.attempts);
  unpackDigits(String(stored.f ?? ""), items.systemFailures);
  return items;
}

/**
 * `<width digit><digits…>`: the width (one base-36 digit) is the number of base-36 digits of the largest
 * value, and every value is left-padded to it. An all-zero array is just `"0"`.
 */
export function packDigits(values: Uint8Array | Uint32Array): string {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  if (max === 0) return "0";
  const width = max.toString(36).length;
  const parts = new Array<string>(values.length + 1);
  parts[0] = width.toString(36);
  for (let i = 0; i < values.length; i++) parts[i + 1] = values[i]!.toString(36).padStart(width, "0");
  return parts.join("");
}

/** Reads what {@link packDigits} wrote into `into` (left as zeros for `"0"`). */
export function unpackDigits(packed: string, into: Uint8Array | Uint32Array): void {
  if (packed === "" || packed === "0") return;
  const width = parseInt(packed[0]!, 36);
  for (let i = 0; i < into.length; i++) {
    const start = 1 + i * width;
    into[i] = parseInt(packed.slice(start, start + width), 36);
  }
}
