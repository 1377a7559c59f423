/*
 * What the local-process plugin persists per attempt: enough to find its process and files again after an
 * engine restart.
 */
import type { JsonValue } from "@bufbuild/protobuf";

/** The attempt waits for a concurrency token. */
export interface WaitingState {
  phase: "waiting";
}

/** The attempt's process was started (asked for: its pid is in the sandbox's record once the OS started it). */
export interface RunningState {
  phase: "running";
  /** Absent in states saved before the start was reported (see attempt-sandbox's readStartedProcess). */
  pid?: number;
  /** The program started (the command's first word, after image mapping), for a start failure's message. */
  program?: string;
  /** The process's start time in clock ticks (Linux), to tell it from a later process with the same pid. */
  startTicks?: number;
  sandbox: string;
  stdoutFile: string;
  stderrFile: string;
  startedAtMs: number;
  /** Co-pilot's output directory, when the task has a `data_config`. */
  copilotOutputDir?: string;
}

export type LocalProcessState = WaitingState | RunningState;

/** The state as persisted (JSON). */
export function localProcessStateToJson(state: LocalProcessState): JsonValue {
  return { ...state } as JsonValue;
}

/** The state read back; `undefined` for none or anything this plugin did not write. */
export function localProcessStateFromJson(json: JsonValue | undefined): LocalProcessState | undefined {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  if (json.phase === "waiting") return { phase: "waiting" };
  if (
    json.phase !== "running" ||
    (json.pid !== undefined && typeof json.pid !== "number") ||
    typeof json.sandbox !== "string" ||
    typeof json.stdoutFile !== "string" ||
    typeof json.stderrFile !== "string" ||
    typeof json.startedAtMs !== "number"
  ) {
    return undefined;
  }
  return {
    phase: "running",
    ...(typeof json.pid === "number" ? { pid: json.pid } : {}),
    ...(typeof json.program === "string" ? { program: json.program } : {}),
    ...(typeof json.startTicks === "number" ? { startTicks: json.startTicks } : {}),
    sandbox: json.sandbox,
    stdoutFile: json.stdoutFile,
    stderrFile: json.stderrFile,
    startedAtMs: json.startedAtMs,
    ...(typeof json.copilotOutputDir === "string" ? { copilotOutputDir: json.copilotOutputDir } : {}),
  };
}
