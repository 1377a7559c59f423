import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { toJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { AloftError, Code } from "@aloft/idl";
import { makeTempDir } from "@aloft/test-helpers";
import { FsBlobStore } from "@aloft/storage";
import { workflowExecutionId } from "@aloft/idl";
import type { EntityBase } from "./entities/entity.js";
import { assignLocation } from "./entities/registry.js";
import type { TaskExecutionContext } from "./entities/task-result.js";
import type { SerializationSettings } from "./serialize/serialization-settings.js";

/** Registration settings used across the authoring tests. */
export const SETTINGS: SerializationSettings = {
  project: "flytesnacks",
  domain: "development",
  version: "v1",
  image: "ghcr.io/aloft/sdk:1.0",
};

/** Names entities as the module loader would: exported from `module` under their key. */
export function exportFrom(module: string, entities: Readonly<Record<string, EntityBase>>): void {
  for (const [exportName, entity] of Object.entries(entities)) assignLocation(entity, { module, exportName });
}

/** A message as protobuf JSON (camelCase, defaults left out), for readable comparisons. */
export function json<D extends DescMessage>(schema: D, message: MessageShape<D>): JsonValue {
  return toJson(schema, message);
}

/** The AloftError `fn` throws (failing the test when it throws something else or nothing). */
export function thrown(fn: () => unknown): AloftError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  throw new Error("expected an AloftError, nothing was thrown");
}

/** The AloftError a promise rejects with. */
export async function rejected(p: Promise<unknown>): Promise<AloftError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  throw new Error("expected an AloftError, the promise resolved");
}

/** An InvalidArgument error's code, for `expect(...).toEqual`. */
export const INVALID = Code.InvalidArgument;

/**
 * `path:line:column` of `token` on the line of `file` holding `marker` (a unique comment) or, when the
 * formatter moved the comment to a closing line, the nearest line above holding `token`: call sites are
 * reported this way, with the path relative to the working directory.
 */
export function siteOf(file: string, marker: string, token: string): string {
  const lines = readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((l) => l.includes(marker));
  if (index === -1) throw new Error(`marker ${marker} not found in ${file}`);
  for (let i = index; i >= 0 && i > index - 8; i--) {
    const column = (lines[i] as string).indexOf(token);
    if (column !== -1) return `${relative(process.cwd(), file)}:${i + 1}:${column + 1}`;
  }
  throw new Error(`token ${token} not found near ${marker}`);
}

/** A task execution context over a temporary blob store. */
export async function executionContext(
  overrides: Partial<TaskExecutionContext> = {},
): Promise<{ ctx: TaskExecutionContext; cleanup: () => Promise<void> }> {
  const dir = await makeTempDir("aloft-sdk-authoring-");
  const store = new FsBlobStore({ root: dir.path });
  const ctx: TaskExecutionContext = {
    store,
    rawOutputPrefix: `file://${dir.path}/raw`,
    workDir: dir.path,
    executionId: workflowExecutionId({ project: "p", domain: "d", name: "exec" }),
    nodeId: "n0",
    attempt: 0,
    taskId: undefined,
    checkpointPrefix: undefined,
    previousCheckpointPrefix: undefined,
    settings: SETTINGS,
    env: {},
    signal: undefined,
    ...overrides,
  };
  return { ctx, cleanup: dir.cleanup };
}
