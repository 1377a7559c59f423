/**
 * The engine's persistence of workflows (`engine_workflows`): idempotent hand-off inserts, claims under a
 * lease (so one engine runs a workflow at a time, and a crashed engine's workflows are taken over), the
 * group commit of every round finished together, lease renewal and abort requests.
 */
import {
  dateToDbTime,
  dbTimeToDate,
  decodeExecutionRequest,
  type DbExecutor,
  encodeExecutionRequest,
  type ExecutionRequest,
  withDbErrors,
} from "@aloft/db";
import type { EngineTables, EngineWorkflowRow } from "./engine-schema.js";

/** Identifies a workflow execution (`WorkflowExecutionIdentifier` without org). */
export interface WorkflowKey {
  project: string;
  domain: string;
  name: string;
}

/** A workflow as loaded by a claim. */
export interface StoredWorkflow {
  key: WorkflowKey;
  request: ExecutionRequest;
  /** The status document. */
  state: string;
  version: number;
  abortRequested: boolean;
  abortCause: string | undefined;
  /** Epoch ms of the persisted wake-up timer, if any. */
  wakeAtMs: number | undefined;
}

/** One round's result to persist. */
export interface WorkflowSave {
  key: WorkflowKey;
  /** The version the round started from (optimistic check). */
  expectedVersion: number;
  state: string;
  phase: number;
  done: boolean;
  wakeAtMs: number | undefined;
}

/** What happened to one {@link WorkflowSave}. */
export type WorkflowSaveResult =
  | { key: WorkflowKey; saved: true; version: number; abortRequested: boolean; abortCause: string | undefined }
  | { key: WorkflowKey; saved: false };

/** A workflow this owner holds, as seen by {@link WorkflowStore.renewLeases}. */
export interface HeldWorkflow {
  key: WorkflowKey;
  abortRequested: boolean;
  abortCause: string | undefined;
}

export interface WorkflowStore {
  /**
   * Inserts the workflow (status `initialState`) owned by `owner` unless a row for the execution exists.
   * True when inserted; false for a duplicate hand-off (the row is left untouched).
   */
  insertIfAbsent(input: {
    request: ExecutionRequest;
    initialState: string;
    owner: string;
    leaseMs: number;
  }): Promise<boolean>;
  /**
   * Leases live workflows to `owner` and returns them: unowned ones, ones whose lease ran out, and with
   * `reclaimOwned` the ones `owner` already holds (an engine restarting under the same owner). `keys`
   * narrows the claim to given executions.
   */
  claim(input: {
    owner: string;
    leaseMs: number;
    reclaimOwned: boolean;
    keys?: readonly WorkflowKey[];
    limit?: number;
  }): Promise<StoredWorkflow[]>;
  /**
   * Writes the rounds in ONE transaction. A row whose version or owner changed is not written (another
   * engine took it over): its result is `saved: false` and the caller drops it.
   */
  saveRounds(owner: string, saves: readonly WorkflowSave[]): Promise<WorkflowSaveResult[]>;
  /** Extends the lease of every live workflow `owner` holds (one UPDATE) and returns them with their abort flags. */
  renewLeases(owner: string, leaseMs: number): Promise<HeldWorkflow[]>;
  /** Lets other engines claim `owner`'s live workflows at once (graceful stop). */
  releaseLeases(owner: string): Promise<void>;
  /** Records an abort request; false when the execution is unknown or already terminal. */
  markAbortRequested(key: WorkflowKey, cause: string): Promise<boolean>;
  /** The row of an execution (inspection and tests). */
  find(key: WorkflowKey): Promise<StoredWorkflow | undefined>;
}

/** Options of {@link createWorkflowStore}. */
export interface WorkflowStoreOptions {
  db: DbExecutor<EngineTables>;
  /** Clock in epoch ms. @default Date.now */
  now?: () => number;
}

/** The Kysely {@link WorkflowStore} (SQLite and PostgreSQL). */
export function createWorkflowStore(options: WorkflowStoreOptions): WorkflowStore {
  const { db } = options;
  const now = options.now ?? Date.now;
  const at = (ms: number): string => dateToDbTime(new Date(ms));

  return withDbErrors<WorkflowStore>({
    async insertIfAbsent(input) {
      const nowMs = now();
      const id = input.request.executionId;
      const inserted = await db
        .insertInto("engine_workflows")
        .values({
          execution_project: id.project,
          execution_domain: id.domain,
          execution_name: id.name,
          request: encodeExecutionRequest(input.request),
          phase: 0,
          done: false,
          state: input.initialState,
          abort_requested: false,
          abort_cause: null,
          owner: input.owner,
          lease_expires_at: at(nowMs + input.leaseMs),
          wake_at: null,
          version: 0,
          created_at: at(nowMs),
          updated_at: at(nowMs),
        })
        .onConflict((oc) => oc.columns(["execution_project", "execution_domain", "execution_name"]).doNothing())
        .returning("version")
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async claim(input) {
      const nowMs = now();
      const nowText = at(nowMs);
      let query = db
        .updateTable("engine_workflows")
        .set({ owner: input.owner, lease_expires_at: at(nowMs + input.leaseMs), updated_at: nowText })
        .where("done", "=", false)
        .where((eb) => {
          const claimable = [eb("owner", "is", null), eb("lease_expires_at", "<=", nowText)];
          if (input.reclaimOwned) claimable.push(eb("owner", "=", input.owner));
          return eb.or(claimable);
        });
      if (input.keys !== undefined) {
        if (input.keys.length === 0) return [];
        const keys = input.keys;
        query = query.where((eb) =>
          eb.or(
            keys.map((key) =>
              eb.and([
                eb("execution_project", "=", key.project),
                eb("execution_domain", "=", key.domain),
                eb("execution_name", "=", key.name),
              ]),
            ),
          ),
        );
      }
      if (input.limit !== undefined) {
        // A bounded claim picks its rows first; the UPDATE re-checks the claim condition row by row.
        const limit = input.limit;
        const reclaimOwned = input.reclaimOwned;
        const owner = input.owner;
        const candidates = await db
          .selectFrom("engine_workflows")
          .select(["execution_project", "execution_domain", "execution_name"])
          .where("done", "=", false)
          .where((eb) => {
            const claimable = [eb("owner", "is", null), eb("lease_expires_at", "<=", nowText)];
            if (reclaimOwned) claimable.push(eb("owner", "=", owner));
            return eb.or(claimable);
          })
          .limit(limit)
          .execute();
        if (candidates.length === 0) return [];
        query = query.where((eb) =>
          eb.or(
            candidates.map((key) =>
              eb.and([
                eb("execution_project", "=", key.execution_project),
                eb("execution_domain", "=", key.execution_domain),
                eb("execution_name", "=", key.execution_name),
              ]),
            ),
          ),
        );
      }
      const rows = await query.returningAll().execute();
      return rows.map(storedFromRow);
    },

    async saveRounds(owner, saves) {
      if (saves.length === 0) return [];
      const nowText = at(now());
      return db.transaction().execute(async (trx) => {
        const results: WorkflowSaveResult[] = [];
        for (const save of saves) {
          const row = await trx
            .updateTable("engine_workflows")
            .set({
              state: save.state,
              phase: save.phase,
              done: save.done,
              wake_at: save.wakeAtMs === undefined ? null : at(save.wakeAtMs),
              version: save.expectedVersion + 1,
              updated_at: nowText,
            })
            .where("execution_project", "=", save.key.project)
            .where("execution_domain", "=", save.key.domain)
            .where("execution_name", "=", save.key.name)
            .where("version", "=", save.expectedVersion)
            .where("owner", "=", owner)
            .returning(["version", "abort_requested", "abort_cause"])
            .executeTakeFirst();
          results.push(
            row === undefined
              ? { key: save.key, saved: false }
              : {
                  key: save.key,
                  saved: true,
                  version: row.version,
                  abortRequested: row.abort_requested,
                  abortCause: row.abort_cause ?? undefined,
                },
          );
        }
        return results;
      });
    },

    async renewLeases(owner, leaseMs) {
      const nowMs = now();
      const rows = await db
        .updateTable("engine_workflows")
        .set({ lease_expires_at: at(nowMs + leaseMs) })
        .where("done", "=", false)
        .where("owner", "=", owner)
        .returning(["execution_project", "execution_domain", "execution_name", "abort_requested", "abort_cause"])
        .execute();
      return rows.map((row) => ({
        key: { project: row.execution_project, domain: row.execution_domain, name: row.execution_name },
        abortRequested: row.abort_requested,
        abortCause: row.abort_cause ?? undefined,
      }));
    },

    async releaseLeases(owner) {
      await db
        .updateTable("engine_workflows")
        .set({ lease_expires_at: at(now()) })
        .where("done", "=", false)
        .where("owner", "=", owner)
        .execute();
    },

    async markAbortRequested(key, cause) {
      const result = await db
        .updateTable("engine_workflows")
        .set({ abort_requested: true, abort_cause: cause, updated_at: at(now()) })
        .where("execution_project", "=", key.project)
        .where("execution_domain", "=", key.domain)
        .where("execution_name", "=", key.name)
        .where("done", "=", false)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async find(key) {
      const row = await db
        .selectFrom("engine_workflows")
        .selectAll()
        .where("execution_project", "=", key.project)
        .where("execution_domain", "=", key.domain)
        .where("execution_name", "=", key.name)
        .executeTakeFirst();
      return row === undefined ? undefined : storedFromRow(row);
    },
  });
}

function storedFromRow(row: EngineWorkflowRow): StoredWorkflow {
  return {
    key: { project: row.execution_project, domain: row.execution_domain, name: row.execution_name },
    request: decodeExecutionRequest(row.request),
    state: row.state,
    version: row.version,
    abortRequested: row.abort_requested,
    abortCause: row.abort_cause ?? undefined,
    wakeAtMs: row.wake_at === null ? undefined : dbTimeToDate(row.wake_at).getTime(),
  };
}

/** `project/domain/name`, the in-memory key of a workflow. */
export function workflowKeyString(key: WorkflowKey): string {
  return `${key.project}/${key.domain}/${key.name}`;
}
