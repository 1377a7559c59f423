/**
 * Follow output for a terminal: one frame, redrawn in place as the execution moves.
 *
 *     ⠹ admintests/development/f3a9  RUNNING  12.3s
 *       [██████████░░░░░░░░░░░░░░░░░░░░]  1/3 nodes
 *       ✓ n0  SUCCEEDED  1.2s
 *       ⠹ n1  RUNNING    3.4s  attempt 2
 *       · n2  QUEUED
 */
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  elapsedMs,
  executionName,
  type ExecutionProgress,
  formatElapsed,
  isTerminalExecution,
  isTerminalNode,
  nodeCounts,
  nodePhaseName,
  type NodeProgress,
  workflowPhaseName,
} from "./execution-progress.js";

/** Shows a followed execution; `finish` is called once, with the final state. */
export interface ProgressRenderer {
  update(progress: ExecutionProgress): void;
  finish(progress: ExecutionProgress): void;
}

/** Options of {@link renderProgressFrame}. */
export interface ProgressFrameOptions {
  /** Lines are cut to fit, so the terminal never wraps them (which would break redrawing). */
  columns: number;
  /** At most this many lines; nodes that do not fit are summarised in one line. */
  rows: number;
  /** For the elapsed time of what is still running. */
  nowMs: number;
  /** Which spinner glyph running things show. @default 0 */
  tick?: number;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BAR_WIDTH = 30;

/** The lines of one frame (pure, for the live display and for tests). */
export function renderProgressFrame(progress: ExecutionProgress, options: ProgressFrameOptions): string[] {
  const spinner = SPINNER[(options.tick ?? 0) % SPINNER.length]!;
  const execution = progress.execution;
  const executionDone = isTerminalExecution(execution);
  const executionElapsed = elapsedMs(execution?.closure, executionDone, options.nowMs);
  const header = [
    `${executionDone ? workflowSymbol(execution?.closure?.phase) : spinner} ${executionName(execution)}`,
    workflowPhaseName(execution),
    ...(executionElapsed === undefined ? [] : [formatElapsed(executionElapsed)]),
  ].join("  ");

  const { completed, total } = nodeCounts(progress);
  const width = Math.max(5, Math.min(BAR_WIDTH, options.columns - 20));
  const filled = total === 0 ? 0 : Math.round((completed / total) * width);
  const bar = `  [${"█".repeat(filled)}${"░".repeat(width - filled)}]  ${completed}/${total} nodes`;

  const nodes = progress.nodes;
  const idWidth = Math.max(0, ...nodes.map((node) => node.nodeId.length));
  const phaseWidth = Math.max(0, ...nodes.map((node) => nodePhaseName(node.execution).length));
  const room = Math.max(1, options.rows - 2);
  const shown = nodes.length <= room ? nodes : visibleNodes(nodes, room - 1);
  const lines = [header, bar, ...shown.map((node) => nodeLine(node, idWidth, phaseWidth, spinner, options.nowMs))];
  if (shown.length < nodes.length) lines.push(`  … ${nodes.length - shown.length} more nodes`);
  return lines.map((line) => fit(line, options.columns));
}

/** When not every node fits: the unfinished ones first (they are what is happening), then the latest finished. */
function visibleNodes(nodes: readonly NodeProgress[], room: number): NodeProgress[] {
  const running = nodes.filter((node) => !isTerminalNode(node.execution));
  const chosen = new Set(running.slice(-room));
  for (let i = nodes.length - 1; i >= 0 && chosen.size < room; i--) chosen.add(nodes[i]!);
  return nodes.filter((node) => chosen.has(node));
}

function nodeLine(node: NodeProgress, idWidth: number, phaseWidth: number, spinner: string, nowMs: number): string {
  const done = isTerminalNode(node.execution);
  const phase = node.execution.closure?.phase ?? NodeExecution_Phase.UNDEFINED;
  const symbol = done ? nodeSymbol(phase) : phase === NodeExecution_Phase.RUNNING ? spinner : "·";
  const elapsed = elapsedMs(node.execution.closure, done, nowMs);
  const attempt = (node.latestAttempt?.id?.retryAttempt ?? 0) + 1;
  return [
    `  ${symbol} ${node.nodeId.padEnd(idWidth)}`,
    nodePhaseName(node.execution).padEnd(phaseWidth),
    ...(elapsed === undefined ? [] : [formatElapsed(elapsed)]),
    ...(attempt > 1 ? [`attempt ${attempt}`] : []),
  ]
    .join("  ")
    .trimEnd();
}

function nodeSymbol(phase: NodeExecution_Phase): string {
  switch (phase) {
    case NodeExecution_Phase.SUCCEEDED:
    case NodeExecution_Phase.RECOVERED:
      return "✓";
    case NodeExecution_Phase.SKIPPED:
      return "-";
    default:
      return "✗";
  }
}

function workflowSymbol(phase: WorkflowExecution_Phase | undefined): string {
  return phase === WorkflowExecution_Phase.SUCCEEDED ? "✓" : "✗";
}

/** Cuts `line` to `columns - 1` characters (the last column would make some terminals wrap). */
function fit(line: string, columns: number): string {
  const chars = [...line];
  return chars.length < columns ? line : `${chars.slice(0, Math.max(0, columns - 2)).join("")}…`;
}

/** Options of {@link createLiveRenderer}. */
export interface LiveRendererOptions {
  /** Writes to the terminal. */
  write: (text: string) => void;
  /** The terminal's size, read at every redraw (it may change). */
  size: () => { columns: number; rows: number };
  /** @default Date.now */
  nowMs?: () => number;
  /** How often running times and spinners move without news. @default 250 */
  tickMs?: number;
}

const CURSOR_HIDE = "\x1b[?25l";
const CURSOR_SHOW = "\x1b[?25h";
const CLEAR_TO_END = "\x1b[J";

/**
 * The live display: draws a frame, then on each update (and each tick) moves the cursor back to the frame's first
 * line and draws the new one over it. Redraws are coalesced to one per tick.
 */
export function createLiveRenderer(options: LiveRendererOptions): ProgressRenderer {
  const now = options.nowMs ?? Date.now;
  const tickMs = options.tickMs ?? 250;
  let latest: ExecutionProgress | undefined;
  let drawnLines = 0;
  let tick = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let dirty = false;

  const draw = (progress: ExecutionProgress): void => {
    const { columns, rows } = options.size();
    const lines = renderProgressFrame(progress, { columns, rows: Math.max(3, rows - 1), nowMs: now(), tick });
    // Back to the start of the previous frame, clear it, draw the new one.
    const back = drawnLines > 0 ? `\x1b[${drawnLines}F` : CURSOR_HIDE;
    options.write(`${back}${CLEAR_TO_END}${lines.join("\n")}\n`);
    drawnLines = lines.length;
    dirty = false;
  };

  return {
    update(progress) {
      latest = progress;
      if (drawnLines === 0) {
        draw(progress);
      } else {
        dirty = true;
      }
      timer ??= setInterval(() => {
        tick += 1;
        if (latest !== undefined && (dirty || !isTerminalExecution(latest.execution))) draw(latest);
      }, tickMs);
      timer.unref?.();
    },
    finish(progress) {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      // Nothing to show (the watch failed before its first event): leave the terminal alone.
      if (drawnLines === 0 && progress.execution === undefined) return;
      draw(progress);
      options.write(CURSOR_SHOW);
    },
  };
}
