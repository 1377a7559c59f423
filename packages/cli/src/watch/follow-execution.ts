/**
 * Following an execution to its end, for `aloft run --remote --follow` and `aloft get execution --watch`: admin
 * pushes every change over the WatchService stream, a renderer shows it (live on a terminal, line by line
 * otherwise), and the outputs are printed once it succeeded.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type {
  WorkflowExecutionIdentifier,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { OutputSink } from "../output.js";
import { formatExecutionOutputs } from "./execution-outputs.js";
import { applyWatchEvent, initialProgress, withPlannedNodes } from "./execution-progress.js";
import { createLineRenderer } from "./line-renderer.js";
import { createLiveRenderer, type ProgressRenderer } from "./progress-renderer.js";
import { watchExecution } from "./watch-execution.js";

/** Options of {@link followExecution}. */
export interface FollowExecutionOptions {
  /** Admin's URL, e.g. `http://localhost:30080`. */
  baseUrl: string;
  id: WorkflowExecutionIdentifier | MessageInitShape<typeof WorkflowExecutionIdentifierSchema>;
  /** Where the display and the outputs go (stdout). */
  output: OutputSink;
  /** A live display redrawn in place (a terminal); otherwise one line per change. @default false */
  tty?: boolean;
  /** The terminal's size for the live display. @default process.stdout's, else 80×24 */
  size?: () => { columns: number; rows: number };
  /** The transport to use instead of a plaintext gRPC one to `baseUrl`. */
  transport?: Transport;
  /** Stops following: the promise rejects with connect's CANCELED error. */
  signal?: AbortSignal;
  /** Print the outputs of a succeeded execution. @default true */
  printOutputs?: boolean;
  /** How many times to watch again when admin goes away mid-stream (UNAVAILABLE, e.g. a restart). @default 5 */
  reconnects?: number;
  /** Wait before watching again. @default 1000 */
  reconnectDelayMs?: number;
  /** The clock of the live display's running times. @default Date.now */
  nowMs?: () => number;
}

/**
 * Shows the execution's progress until it is terminal, then (when it succeeded) its outputs, and answers the
 * terminal execution.
 *
 * @throws ConnectError NOT_FOUND for an unknown execution; CANCELED when `signal` aborts; UNAVAILABLE when admin
 *   stays away longer than `reconnects` allows; whatever else the connection reports.
 */
export async function followExecution(options: FollowExecutionOptions): Promise<Execution> {
  const transport = options.transport ?? createGrpcTransport({ baseUrl: options.baseUrl });
  const admin = createClient(AdminService, transport);
  const renderer = createRenderer(options);
  let progress = initialProgress();
  let planLoaded = false;
  let reconnectsLeft = options.reconnects ?? 5;

  try {
    while (!progress.ended) {
      try {
        const events = watchExecution(options.baseUrl, options.id, {
          includeTaskExecutions: true,
          transport,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        for await (const event of events) {
          progress = applyWatchEvent(progress, event);
          if (!planLoaded && progress.execution !== undefined) {
            planLoaded = true;
            progress = withPlannedNodes(progress, await plannedNodeIds(admin, progress.execution));
          }
          if (!progress.ended) renderer.update(progress);
        }
        if (!progress.ended) throw new ConnectError("the watch ended before the execution did", Code.Unavailable);
      } catch (error) {
        const connectError = ConnectError.from(error);
        if (connectError.code !== Code.Unavailable || reconnectsLeft === 0 || options.signal?.aborted === true) {
          throw error;
        }
        reconnectsLeft -= 1;
        await delay(options.reconnectDelayMs ?? 1000, undefined, options.signal ? { signal: options.signal } : {});
      }
    }
  } finally {
    renderer.finish(progress);
  }

  const execution = progress.execution!;
  if (options.tty === true) {
    const result = execution.closure?.outputResult;
    if (result?.case === "error") options.output.stdout(`error: ${result.value.message.trim()}\n`);
  }
  if (options.printOutputs !== false && execution.closure?.phase === WorkflowExecution_Phase.SUCCEEDED) {
    const data = await admin.getExecutionData({ id: execution.id });
    const lines = formatExecutionOutputs(data);
    if (lines.length > 0) options.output.stdout(`outputs:\n${lines.map((line) => `  ${line}\n`).join("")}`);
  }
  return execution;
}

function createRenderer(options: FollowExecutionOptions): ProgressRenderer {
  const write = (text: string): void => options.output.stdout(text);
  if (options.tty !== true) return createLineRenderer(write);
  return createLiveRenderer({
    write,
    size: options.size ?? (() => ({ columns: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24 })),
    ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }),
  });
}

/**
 * The node ids of the execution's workflow, for the progress total. Undefined when the workflow cannot be read:
 * the display then counts the nodes it has seen.
 */
async function plannedNodeIds(admin: Client<typeof AdminService>, execution: Execution): Promise<string[] | undefined> {
  const workflowId = execution.closure?.workflowId;
  if (workflowId === undefined) return undefined;
  try {
    const workflow = await admin.getWorkflow({ id: workflowId });
    return workflow.closure?.compiledWorkflow?.primary?.template?.nodes.map((node) => node.id);
  } catch {
    return undefined;
  }
}
