import type { DbTime, RowTimestamps } from "@aloft/db";
import type { Selectable } from "kysely";

/**
 * `engine_workflows`: one row per workflow execution the engine runs — the hand-off request, the
 * persisted status (the CR of propeller), who runs it (owner and lease) and when it wants to be woken.
 */
export interface EngineWorkflowsTable extends RowTimestamps {
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  /** The `ExecutionRequest`, encoded with the hand-off payload codec of `@aloft/db`. */
  request: string;
  /** `WorkflowPhase` of the status (promoted for queries). */
  phase: number;
  /** Terminal (Success, Failed, Aborted): never claimed again. */
  done: boolean;
  /** The status document (`serializeWorkflowStatus`). */
  state: string;
  abort_requested: boolean;
  abort_cause: string | null;
  /** The engine running it; null when nobody claimed it yet. */
  owner: string | null;
  lease_expires_at: DbTime | null;
  /** Next timer (sleep gate, deadline) the workflow waits for. */
  wake_at: DbTime | null;
  /** Optimistic concurrency: bumped by every state write. */
  version: number;
}

/** The engine's tables. */
export interface EngineTables {
  engine_workflows: EngineWorkflowsTable;
}

/** Every engine table, in an order safe for creating and truncating. */
export const ENGINE_TABLE_NAMES = ["engine_workflows"] as const satisfies readonly (keyof EngineTables)[];

export type EngineWorkflowRow = Selectable<EngineWorkflowsTable>;
