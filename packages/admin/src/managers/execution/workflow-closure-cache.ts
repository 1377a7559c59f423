/**
 * Compiled workflow closures by blob URI. A workflow version is immutable and its closure URI names the
 * version, so a closure read once never changes; caching it saves a blob read and a decode on every launch.
 * Launches also need the closure with the platform's task resources applied, which depends only on the closure
 * and those resources, so that is cached too (and, being the same object each time, is encoded once for the
 * engine hand-off).
 */
import { clone } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import { WorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type CompiledWorkflowClosure, CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { type BlobStore, readProto } from "@aloft/storage";
import type { PlatformTaskResources } from "../resolve-attributes.js";
import { LruMap } from "./lru-map.js";
import { applyTaskResourceDefaults } from "./task-resources.js";

/** Reads compiled workflow closures. Both methods answer shared objects: callers must not change them. */
export interface WorkflowClosureCache {
  /**
   * The compiled workflow stored at `uri`.
   * @throws AloftError Internal "Unable to read WorkflowClosure from location <uri> : …".
   */
  read(uri: string): Promise<CompiledWorkflowClosure>;
  /**
   * The compiled workflow at `uri` with every container task's resources defaulted and capped by `platform`
   * (flyteadmin's `setCompiledTaskDefaults`), as an execution runs it.
   * @throws AloftError Internal as {@link WorkflowClosureCache.read}.
   */
  forLaunch(uri: string, platform: PlatformTaskResources): Promise<CompiledWorkflowClosure>;
}

/** A cache of up to `maxEntries` closures (and as many adjusted ones), least recently used evicted first. */
export function createWorkflowClosureCache(store: BlobStore, maxEntries = 256): WorkflowClosureCache {
  const closures = new LruMap<string, CompiledWorkflowClosure>(maxEntries);
  const adjusted = new LruMap<string, CompiledWorkflowClosure>(maxEntries);
  const read = async (uri: string): Promise<CompiledWorkflowClosure> => {
    let closure = closures.get(uri);
    if (closure === undefined) {
      closure = await readCompiledWorkflow(store, uri);
      closures.set(uri, closure);
    }
    return closure;
  };
  return {
    read,
    async forLaunch(uri, platform) {
      const key = `${uri}\n${JSON.stringify(platform)}`;
      let closure = adjusted.get(key);
      if (closure === undefined) {
        closure = clone(CompiledWorkflowClosureSchema, await read(uri));
        for (const task of closure.tasks) applyTaskResourceDefaults(task, platform);
        adjusted.set(key, closure);
      }
      return closure;
    },
  };
}

async function readCompiledWorkflow(store: BlobStore, uri: string): Promise<CompiledWorkflowClosure> {
  try {
    const closure = await readProto(store, uri, WorkflowClosureSchema);
    if (closure.compiledWorkflow === undefined) throw new Error("the closure holds no compiled workflow");
    return closure.compiledWorkflow;
  } catch (error) {
    throw AloftError.internal(
      `Unable to read WorkflowClosure from location ${uri} : ${error instanceof AloftError ? error.rawMessage : String(error)}`,
      { cause: error },
    );
  }
}
