/**
 * Rows that nearly every write call reads and that rarely change: projects (the project gate in front of every
 * registration and launch) and matchable attributes (the settings of every launch). On PostgreSQL those two reads
 * were two of a CreateExecution's three round trips.
 *
 * A cached entry is dropped once a change to its table commits: in this process right after the commit, in other
 * admin processes on the same PostgreSQL database when the change's notification arrives (sent inside the writing
 * transaction, so it is delivered exactly when the change commits). While the notification connection is down,
 * nothing is cached. A read that started before a change committed is never kept (generation check).
 */
import type { ProjectRow, ResourceRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";

/** The tables whose rows are cached. */
export type CachedTable = "projects" | "resources";

export const CACHED_TABLES: readonly CachedTable[] = ["projects", "resources"];

/** Most keys kept per table: past it the oldest key goes. */
const MAX_ENTRIES = 1024;

/** A read-through cache of one table's rows by key. */
export class ReadThroughCache<V> {
  readonly #entries = new Map<string, V>();
  #generation = 0;
  #suspended = false;

  /** The cached value for `key`, else `load()`'s, kept when `keep` says so and no invalidation happened meanwhile. */
  async get(key: string, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    if (this.#entries.has(key)) return this.#entries.get(key)!;
    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation && !this.#suspended && keep(value)) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Forgets every entry, and any read under way. */
  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /** While suspended nothing is kept (and nothing is cached). */
  setSuspended(suspended: boolean): void {
    this.#suspended = suspended;
    this.invalidate();
  }
}

/** The caches and how a change to their tables is announced. */
export interface RowCaches {
  /** Project rows by identifier (absent projects are not kept). */
  readonly projects: ReadThroughCache<ProjectRow | undefined>;
  /** `ResourceRepo.listCandidates` results by scope. */
  readonly resources: ReadThroughCache<readonly ResourceRow[]>;
  /** Drops `table`'s entries: a change to it committed. */
  invalidate(table: CachedTable): void;
  /**
   * Tells other admin processes that `table` changes in the transaction `executor` runs (delivered at its commit);
   * undefined where no other process can share the database's caches' tables (SQLite).
   */
  readonly announce?: (executor: AdminDbExecutor, table: CachedTable) => Promise<void>;
}

/** Caches for one admin process; `announce` as {@link RowCaches.announce}. */
export function createRowCaches(announce?: RowCaches["announce"]): RowCaches & {
  /** Stops (true) or resumes (false) caching, e.g. while changes from other processes cannot be heard. */
  setSuspended(suspended: boolean): void;
} {
  const caches = {
    projects: new ReadThroughCache<ProjectRow | undefined>(),
    resources: new ReadThroughCache<readonly ResourceRow[]>(),
  };
  return {
    ...caches,
    invalidate: (table) => caches[table].invalidate(),
    ...(announce === undefined ? {} : { announce }),
    setSuspended(suspended) {
      for (const table of CACHED_TABLES) caches[table].setSuspended(suspended);
    },
  };
}
