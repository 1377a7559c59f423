import { dbTimeToTimestamp } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { type Task, type TaskClosure, TaskClosureSchema, TaskSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { NewTaskRow, TaskRow } from "../db/schema.js";
import { entityKeyToId } from "./identifier-transformer.js";
import { decodeColumn, encodeColumn } from "./proto-bytes.js";

/** Input of {@link taskToRow}. */
export interface TaskToRowInput {
  id: Identifier;
  /** The compiled task; its template type is promoted to the `type` column. */
  closure: TaskClosure;
  digest: Uint8Array;
  shortDescription?: string;
}

/** A registered task → a `tasks` row. */
export function taskToRow(input: TaskToRowInput): NewTaskRow {
  return {
    project: input.id.project,
    domain: input.id.domain,
    name: input.id.name,
    version: input.id.version,
    closure: encodeColumn(TaskClosureSchema, input.closure),
    digest: input.digest,
    type: input.closure.compiledTask?.template?.type ?? "",
    short_description: input.shortDescription ?? "",
  };
}

/** A `tasks` row → `admin.Task`; the closure's `created_at` is the row's. */
export function taskFromRow(row: TaskRow): Task {
  const closure = decodeColumn(TaskClosureSchema, row.closure, "closure");
  closure.createdAt = dbTimeToTimestamp(row.created_at);
  return create(TaskSchema, {
    id: entityKeyToId(row, ResourceType.TASK),
    closure,
    shortDescription: row.short_description,
  });
}
