/**
 * The project and matchable-attribute repositories over {@link RowCaches}: reads outside a transaction go through
 * the caches (a transaction reads the database, which may hold its own uncommitted changes), and every write marks
 * its table changed, so that the caches drop it when the write commits and other admin processes hear of it.
 */
import { AloftError } from "@aloft/idl";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import type { ProjectRepo } from "./project-repo.js";
import type { ResourceRepo } from "./resource-repo.js";
import type { CachedTable, RowCaches } from "./row-caches.js";

/** Where a repository bundle stands with respect to the caches. */
export interface CacheScope {
  caches: RowCaches;
  executor: AdminDbExecutor;
  /** The uncached repositories bound to `executor`. */
  raw: { projects: ProjectRepo; resources: ResourceRepo };
  /** Inside a transaction: the cached tables it changed (dropped from the caches once it commits). */
  changedInTransaction: Set<CachedTable> | undefined;
  /** Outside a transaction: runs `write` in one, so the change and its announcement commit together. */
  inTransaction: (write: (scope: CacheScope) => Promise<void>) => Promise<void>;
}

/** Runs `write`, a change to `table`, so that the caches learn of it when it commits. */
async function changing(
  scope: CacheScope,
  table: CachedTable,
  write: (raw: CacheScope["raw"]) => Promise<void>,
): Promise<void> {
  const { caches, changedInTransaction } = scope;
  if (changedInTransaction !== undefined) {
    await write(scope.raw);
    changedInTransaction.add(table);
    await caches.announce?.(scope.executor, table);
    return;
  }
  if (caches.announce !== undefined) {
    await scope.inTransaction((tx) => changing(tx, table, write));
    return;
  }
  try {
    await write(scope.raw);
  } finally {
    // Even a failed write may have changed something (an error after the statement), so drop the entries anyway.
    caches.invalidate(table);
  }
}

/** `inner` with cached `find`/`get` and announced `update`. */
export function cachedProjectRepo(inner: ProjectRepo, scope: CacheScope): ProjectRepo {
  // A new project was never cached (absent rows are not kept), so creating one changes no entry.
  const update: ProjectRepo["update"] = (identifier, changes) =>
    changing(scope, "projects", (raw) => raw.projects.update(identifier, changes));
  if (scope.changedInTransaction !== undefined) return { ...inner, update };
  const find = (identifier: string) =>
    scope.caches.projects.get(
      identifier,
      async () => freeze(await inner.find(identifier)),
      (row) => row !== undefined,
    );
  return {
    ...inner,
    find,
    async get(identifier) {
      const row = await find(identifier);
      if (row === undefined) throw AloftError.notFound(`project [${identifier}] not found`);
      return row;
    },
    update,
  };
}

/** `inner` with cached `listCandidates` and announced `createOrUpdate`/`delete`. */
export function cachedResourceRepo(inner: ResourceRepo, scope: CacheScope): ResourceRepo {
  const writes: Pick<ResourceRepo, "createOrUpdate" | "delete"> = {
    // The write runs on the transaction's repositories: on PostgreSQL it commits together with its announcement.
    createOrUpdate: (input) => changing(scope, "resources", (raw) => raw.resources.createOrUpdate(input)),
    delete: (id) => changing(scope, "resources", (raw) => raw.resources.delete(id)),
  };
  if (scope.changedInTransaction !== undefined) return { ...inner, ...writes };
  return {
    ...inner,
    ...writes,
    listCandidates: (candidates) =>
      scope.caches.resources.get(
        `${candidates.project}\u0000${candidates.domain}\u0000${candidates.resourceTypes.join("\u0000")}`,
        async () => Object.freeze((await inner.listCandidates(candidates)).map((row) => Object.freeze(row))),
      ) as ReturnType<ResourceRepo["listCandidates"]>,
  };
}

/** Cached rows are shared by every caller: frozen, so none can change another's. */
function freeze<T extends object>(row: T | undefined): T | undefined {
  return row === undefined ? undefined : Object.freeze(row);
}
