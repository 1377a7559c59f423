import type { Generated, Insertable, Selectable } from "kysely";
import type { DbTime } from "../db-time.js";
import type { RowTimestamps } from "../migration-helpers.js";

/** What an `execution_queue` row asks of the engine. */
export type ExecutionQueueKind = "create" | "abort";

/** Where an `execution_queue` row is in its life. Completed rows are deleted. */
export type ExecutionQueueState = "pending" | "leased" | "failed";

/**
 * `execution_queue` (Aloft's own): the durable hand-off from admin to an engine. A row is written in
 * the same transaction as the execution it concerns, claimed by an engine under a lease, and deleted
 * when the engine completes it.
 */
export interface ExecutionQueueTable extends RowTimestamps {
  id: Generated<number>;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  kind: ExecutionQueueKind;
  /** The request, encoded by `execution-payload-codec.ts`. */
  payload: string;
  state: ExecutionQueueState;
  /** How many times the row was claimed. */
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: DbTime | null;
  /** The row is not claimable before this time (set when released with a delay). */
  available_at: DbTime;
  last_error: string | null;
}

/** The hand-off's tables, for the Kysely database type of every package that writes or reads them. */
export interface HandoffTables {
  execution_queue: ExecutionQueueTable;
}

/** Every hand-off table name, in an order that is safe for creating and truncating. */
export const HANDOFF_TABLE_NAMES = ["execution_queue"] as const satisfies readonly (keyof HandoffTables)[];

export type ExecutionQueueRow = Selectable<ExecutionQueueTable>;
export type NewExecutionQueueRow = Insertable<ExecutionQueueTable>;
