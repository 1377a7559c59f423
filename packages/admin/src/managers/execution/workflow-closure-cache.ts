/**
 * Compiled workflow closures by blob URI. A workflow version is immutable and its closure URI names the
 * version, so a closure read once never changes; caching it saves a blob read and a decode on every launch.
 */
import { clone } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import { WorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type CompiledWorkflowClosure, CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { type BlobStore, readProto } from "@aloft/storage";

/** Reads compiled workflow closures, each a private copy the caller may change. */
export interface WorkflowClosureCache {
  /**
   * The compiled workflow stored at `uri`.
   * @throws AloftError Internal "Unable to read WorkflowClosure from location <uri> : …".
   */
  read(uri: string): Promise<CompiledWorkflowClosure>;
}

/** A cache of up to `maxEntries` closures, least recently used evicted first. */
export function createWorkflowClosureCache(store: BlobStore, maxEntries = 256): WorkflowClosureCache {
  const entries = new Map<string, CompiledWorkflowClosure>();
  return {
    async read(uri) {
      let closure = entries.get(uri);
      if (closure === undefined) {
        closure = await readCompiledWorkflow(store, uri);
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      } else {
        entries.delete(uri);
      }
      entries.set(uri, closure);
      return clone(CompiledWorkflowClosureSchema, closure);
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
