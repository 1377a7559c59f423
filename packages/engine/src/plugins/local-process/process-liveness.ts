/*
 * Whether a process recorded in a plugin state still runs, after the engine that started it restarted:
 * `kill(pid, 0)` plus, on Linux, the process's start time from /proc, so a pid reused by another process
 * is not mistaken for the task.
 */
import { readFileSync } from "node:fs";

/** The start time of a process in clock ticks since boot (`/proc/<pid>/stat` field 22), when readable. */
export function processStartTicks(pid: number): number | undefined {
  const stat = readProcStat(pid);
  return stat?.startTicks;
}

/** The state and start time in `/proc/<pid>/stat`'s text. */
export function parseProcStat(text: string): { state: string; startTicks: number } | undefined {
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const startTicks = Number(fields[19]);
  if (state === undefined || !Number.isFinite(startTicks)) return undefined;
  return { state, startTicks };
}

function readProcStat(pid: number): { state: string; startTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  return parseProcStat(text);
}

/**
 * Whether `pid` names a live process (not a zombie) and, when `startTicks` is known, the same one that
 * was started then.
 */
export function isProcessAlive(pid: number, startTicks?: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to another user, so it cannot be the task we started.
    return false;
  }
  const stat = readProcStat(pid);
  if (stat === undefined) return true;
  if (stat.state === "Z" || stat.state === "X") return false;
  return startTicks === undefined || stat.startTicks === startTicks;
}

/** Sends `signal` to the process group led by `pid` (the task and whatever it started). Returns whether it was sent. */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}
