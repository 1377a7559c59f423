import { AloftError, Code } from "@aloft/idl";

/** Options of an update by row id that guards against a concurrent writer. */
export interface GuardedUpdateOptions {
  /**
   * Update only if the row still has this `phase`; otherwise throw `Aborted` so the caller can
   * re-read and retry (two events for the same execution racing each other).
   */
  expectPhase?: string;
}

/** @internal The error for an update whose guard no longer holds. */
export function concurrentUpdateError(entity: string, id: number, expectPhase: string): AloftError {
  return new AloftError(
    Code.Aborted,
    `${entity} ${id} changed concurrently: its phase is no longer ${expectPhase}; re-read it and retry`,
  );
}
