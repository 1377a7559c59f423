import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AloftError } from "@aloft/idl";
import type { LocalCacheMode } from "../local/local-cache.js";
import type { LocalNodeEventKind, LocalNodeKind } from "../local/local-run-result.js";
import type { AnyType } from "../types/type.js";

/** A gate waiting for a value, as {@link RunOptions.signals} sees it. */
export interface SignalRequest {
  /** The signal's name: `waitForInput(name, …)` or `approve(…, name)`. */
  name: string;
  /** `signal` for `waitForInput`, `approve` for approvals (answer `true` to approve, `false` to reject). */
  kind: "signal" | "approve";
  /** The value's type (boolean for approvals); `type.parseText` reads command-line text. */
  type: AnyType;
  /** The gate node's path in the run (`n2`, `n1/n0`). */
  path: string;
}

/** Answers gates one by one; may wait (a prompt) and may throw to fail the gate. */
export type SignalHandler = (request: SignalRequest) => unknown;

/** A node's progress during {@link RunOptions.onEvent}. */
export interface RunEvent {
  /** `started`, `retrying`, `cache-hit`, `succeeded`, `failed`, `timed-out`, `skipped` or `aborted`. */
  kind: LocalNodeEventKind;
  /**
   * The node's path: `n1`, or `n1/n0` inside a sub-workflow, dynamic task, branch, launch plan or map.
   * When a task runs on its own, its node is `""` and what it starts (a dynamic task's nodes) `dn0`….
   */
  path: string;
  /** The node's id in its own workflow. */
  nodeId: string;
  nodeKind: LocalNodeKind;
  /**
   * What the node runs, for display: a task's, workflow's or launch plan's name without its module
   * (`sayHello`), `map(square)`, a conditional's or a gate's name.
   */
  name: string | undefined;
  /** For the elements of a map: the element's index. */
  element: number | undefined;
  /** The attempt the event is about, from 0 (for `retrying`, the new one). */
  attempt: number;
  /** Why the node (or, for `retrying`, the attempt) failed. */
  error: string | undefined;
  /** For events ending a node: how long it ran, in milliseconds. */
  durationMs: number | undefined;
}

/** Options of `run()`. */
export interface RunOptions {
  /**
   * The local cache of tasks declared with `cache`: `on` reuses stored outputs and stores new ones,
   * `off` neither, `overwrite` always runs the task and replaces what is stored.
   * @default "on"
   */
  cache?: LocalCacheMode;
  /** Where the local cache keeps its entries. @default `$ALOFT_LOCAL_CACHE_DIR`, else `~/.aloft/local-cache` */
  cacheDir?: string;
  /**
   * The folder holding the run's data: files, directories and datasets that tasks write (uploaded to
   * `<dataDir>/raw`, as to Flyte's raw output prefix) and scratch space. Kept after the run, since
   * returned files point into it.
   * @default a new folder `aloft-run-<execution name>` in the system temp folder
   */
  dataDir?: string;
  /**
   * Values for gates, by signal name: `waitForInput("count", t.int())` takes `{ count: 3 }`, an
   * `approve(…, "ok")` gate takes `{ ok: true }` (or `false` to reject). Or a function asked for each.
   * A gate without a value fails its node.
   * @default {}
   */
  signals?: Readonly<Record<string, unknown>> | SignalHandler;
  /** How many nodes may run at once (0: no limit). @default the launch plan's `maxParallelism`, else 25 */
  maxParallelism?: number;
  /** Receives each node's progress: started, retrying, cache hits, and how it ended. Must not throw. */
  onEvent?: (event: RunEvent) => void;
  /** Cancels the run; it then rejects with a `RunFailure` whose phase is `aborted`. */
  abortSignal?: AbortSignal;
  /** The environment tasks see. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** {@link RunOptions} with every default applied. */
export interface CompiledRunOptions {
  cache: LocalCacheMode;
  cacheDir: string;
  /** `undefined`: a fresh folder per run, named after the execution. */
  dataDir: string | undefined;
  signals: Readonly<Record<string, unknown>> | SignalHandler;
  maxParallelism: number | undefined;
  onEvent: ((event: RunEvent) => void) | undefined;
  abortSignal: AbortSignal | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

const CACHE_MODES: readonly LocalCacheMode[] = ["on", "off", "overwrite"];

/** The environment variable that moves the local cache (as `cacheDir`). */
export const LOCAL_CACHE_DIR_ENV_VAR = "ALOFT_LOCAL_CACHE_DIR";

/**
 * Applies the defaults of {@link RunOptions}.
 *
 * @throws AloftError `InvalidArgument` for an unknown cache mode or a negative `maxParallelism`.
 */
export function compileRunOptions(options: RunOptions = {}): CompiledRunOptions {
  const env = options.env ?? process.env;
  const cache = options.cache ?? "on";
  if (!CACHE_MODES.includes(cache)) {
    throw AloftError.invalidArgument(`cache must be "on", "off" or "overwrite", got ${JSON.stringify(cache)}`);
  }
  const { maxParallelism } = options;
  if (maxParallelism !== undefined && (!Number.isSafeInteger(maxParallelism) || maxParallelism < 0)) {
    throw AloftError.invalidArgument(`maxParallelism must be a non-negative integer, got ${String(maxParallelism)}`);
  }
  const envCacheDir = env[LOCAL_CACHE_DIR_ENV_VAR];
  return {
    cache,
    cacheDir: resolve(
      options.cacheDir ??
        (envCacheDir !== undefined && envCacheDir !== "" ? envCacheDir : join(homedir(), ".aloft", "local-cache")),
    ),
    dataDir: options.dataDir === undefined ? undefined : resolve(options.dataDir),
    signals: options.signals ?? {},
    maxParallelism,
    onEvent: options.onEvent,
    abortSignal: options.abortSignal,
    env,
  };
}

/** The data folder of a run: the configured one, or a new one per execution in the system temp folder. */
export function runDataDir(options: CompiledRunOptions, executionName: string): string {
  return options.dataDir ?? join(tmpdir(), `aloft-run-${executionName}`);
}
