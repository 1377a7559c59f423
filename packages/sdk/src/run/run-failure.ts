import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ExecutionError_ErrorKind, type ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";

/** Options of {@link RunFailure}. */
export interface RunFailureOptions {
  /** What was run: `workflow examples.hello.helloWorld`. */
  entity: string;
  /** How the run ended. */
  phase: "failed" | "aborted";
  /** The path of the node that failed (`n1`, `n2/n0`); absent when a task was run on its own. */
  node?: string;
  /** What that node runs (`square`). */
  nodeName?: string;
  /** The error as Flyte reports it (code, kind, message). */
  executionError?: ExecutionError;
  /** What the user's code threw, when the failure came from it. */
  thrown?: unknown;
}

const KINDS: Record<ExecutionError_ErrorKind, RunFailure["kind"]> = {
  [ExecutionError_ErrorKind.UNKNOWN]: "UNKNOWN",
  [ExecutionError_ErrorKind.USER]: "USER",
  [ExecutionError_ErrorKind.SYSTEM]: "SYSTEM",
};

function describeThrown(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  // Recognised by shape: the error may come from another copy of the SDK (a bundle).
  const raw = (thrown as { rawMessage?: unknown }).rawMessage;
  if (thrown.name === "AloftError" && typeof raw === "string") return raw;
  return thrown.name === "Error" ? thrown.message : `${thrown.name}: ${thrown.message}`;
}

// The SDK package (src/ and dist/, whose frames source maps may point back into src/): its frames are
// left out of the stack shown to users.
const SDK_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TEST_FILE = /\.test(-helper)?\.[cm]?[jt]s\b/;

function isUserFrame(line: string): boolean {
  if (!/^\s+at /.test(line) || /[( ]node:/.test(line) || line.includes(`${sep}node_modules${sep}`)) return false;
  return !line.includes(SDK_ROOT + sep) || TEST_FILE.test(line);
}

/** The stack frames of what user code threw, without the SDK's and Node's own frames. */
function stackFrames(thrown: unknown): string {
  const stack = thrown instanceof Error ? thrown.stack : undefined;
  return stack === undefined ? "" : stack.split("\n").filter(isUserFrame).join("\n");
}

/**
 * A local run that did not succeed: a node failed (and retries, if any, did not help), or the run was
 * aborted. Its message names what ran, the failing node and the error; when user code threw, that error
 * is the `cause` and its stack frames are this error's, so a test failure points at the task's line.
 *
 * A failure of the workflow, not a misuse of the API: bad inputs or definitions are `AloftError`s.
 */
export class RunFailure extends Error {
  /** What was run. */
  readonly entity: string;
  readonly phase: "failed" | "aborted";
  /** The failing node's path, when a node of a workflow failed. */
  readonly node: string | undefined;
  /** What the failing node runs. */
  readonly nodeName: string | undefined;
  /** Flyte's error code: `USER:RuntimeError` for an exception from task code, `RecoverableFlyteException`… */
  readonly code: string;
  /** Who is at fault, as Flyte classifies it. */
  readonly kind: "USER" | "SYSTEM" | "UNKNOWN";
  /** The error as Flyte reports it. */
  readonly executionError: ExecutionError | undefined;

  constructor(options: RunFailureOptions) {
    const detail =
      options.thrown !== undefined ? describeThrown(options.thrown) : (options.executionError?.message ?? "");
    const where =
      options.node === undefined
        ? ""
        : ` at node ${options.node}${options.nodeName === undefined ? "" : ` (${options.nodeName})`}`;
    const message =
      options.phase === "aborted"
        ? `${options.entity} was aborted${where}`
        : `${options.entity} failed${where}${detail === "" ? "" : `: ${detail}`}`;
    super(message, options.thrown === undefined ? undefined : { cause: options.thrown });
    this.name = "RunFailure";
    this.entity = options.entity;
    this.phase = options.phase;
    this.node = options.node;
    this.nodeName = options.nodeName;
    this.executionError = options.executionError;
    this.code = options.executionError?.code ?? (options.phase === "aborted" ? "Aborted" : "Unknown");
    this.kind = options.executionError === undefined ? "UNKNOWN" : KINDS[options.executionError.kind];
    const frames = stackFrames(options.thrown);
    if (frames !== "") this.stack = `${this.name}: ${message}\n${frames}`;
  }
}
