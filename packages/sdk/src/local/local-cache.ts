import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { isCastable, inferLiteralType } from "@aloft/compiler";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { computeLocalCacheKey } from "./compute-local-cache-key.js";

/**
 * - `on`: look up before running, store after success;
 * - `off`: neither;
 * - `overwrite`: always run, then replace what is stored (Flyte's `overwrite_cache`).
 */
export type LocalCacheMode = "on" | "off" | "overwrite";

/** Options of {@link LocalCache}. */
export interface LocalCacheOptions {
  /** Directory holding one file per cached result. @default `~/.aloft/local-cache` */
  dir?: string;
  /** @default "on" */
  mode?: LocalCacheMode;
}

/** What a cache lookup or store is about: a task and the inputs it ran with. */
export interface LocalCacheRequest {
  template: TaskTemplate;
  inputs: LiteralMap;
}

/**
 * Memoised task outputs on the local disk, keyed like flytekit's local cache (task name, cache
 * version, inputs without `cache_ignore_input_vars`; see {@link computeLocalCacheKey}). Only tasks
 * whose metadata marks them `discoverable` are cached. A stored result is only returned when its
 * outputs still match the task's declared outputs by name and type; anything unreadable counts as a
 * miss.
 */
export class LocalCache {
  readonly dir: string;
  readonly mode: LocalCacheMode;

  constructor(options: LocalCacheOptions = {}) {
    this.dir = options.dir ?? join(homedir(), ".aloft", "local-cache");
    this.mode = options.mode ?? "on";
  }

  /** Whether results of this task are cached at all: mode not `off` and the task is `discoverable`. */
  isCacheable(template: TaskTemplate): boolean {
    return this.mode !== "off" && template.metadata?.discoverable === true;
  }

  /** The stored outputs, or undefined on a miss (and always in mode `overwrite` or `off`). */
  async get(request: LocalCacheRequest): Promise<LiteralMap | undefined> {
    if (this.mode !== "on" || !this.isCacheable(request.template)) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.#pathOf(request));
    } catch {
      return undefined;
    }
    try {
      const outputs = fromBinary(LiteralMapSchema, bytes);
      return matchesOutputs(outputs, request.template) ? outputs : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores the outputs of a successful run (a no-op when not cacheable). */
  async put(request: LocalCacheRequest, outputs: LiteralMap): Promise<void> {
    if (!this.isCacheable(request.template)) return;
    const path = this.#pathOf(request);
    await mkdir(this.dir, { recursive: true });
    const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temp, toBinary(LiteralMapSchema, outputs));
    await rename(temp, path);
  }

  /** Removes every stored result. */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  #pathOf(request: LocalCacheRequest): string {
    const metadata = request.template.metadata;
    const key = computeLocalCacheKey({
      taskName: request.template.id?.name ?? "",
      cacheVersion: metadata?.discoveryVersion ?? "",
      inputs: request.inputs,
      ignoreInputVars: metadata?.cacheIgnoreInputVars ?? [],
    });
    // File names must stay short and safe whatever the task name is.
    return join(this.dir, `${createHash("sha256").update(key).digest("hex")}.pb`);
  }
}

function matchesOutputs(outputs: LiteralMap, template: TaskTemplate): boolean {
  const declared = template.interface?.outputs?.variables ?? {};
  const names = Object.keys(outputs.literals);
  if (names.length !== Object.keys(declared).length) return false;
  for (const name of names) {
    const type = declared[name]?.type;
    const literal = outputs.literals[name];
    if (type === undefined || literal === undefined) return false;
    const actual = inferLiteralType(literal);
    if (actual === undefined || !isCastable(actual, type)) return false;
  }
  return true;
}
