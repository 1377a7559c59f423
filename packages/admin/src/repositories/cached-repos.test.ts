import { createDatabase } from "@aloft/db";
import { TEST_POSTGRES_URL } from "@aloft/test-helpers";
import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Database } from "../db/schema.js";
import { createSharedRowCaches } from "../startup/create-shared-row-caches.js";
import { createRepositories, type Repositories } from "./create-repositories.js";
import { ResourcePriority } from "./resource-repo.js";
import { createRowCaches, ReadThroughCache } from "./row-caches.js";
import { describeEachDialect, type TestDatabase } from "./test-databases.test-helper.js";

const project = (identifier: string) => ({ identifier, name: identifier, description: "", labels: null, state: 0 });
const scope = { project: "p", domain: "development", resourceTypes: ["TASK_RESOURCE"] };
const resource = (attributes: number) => ({
  project: "p",
  domain: "development",
  workflow: "",
  launchPlan: "",
  resourceType: "TASK_RESOURCE",
  priority: ResourcePriority.ProjectDomain,
  attributes: new Uint8Array([attributes]),
});

/** A change made behind the repositories' back, as another process without notifications would make it. */
async function changeDescriptionBehindTheCache(db: TestDatabase, identifier: string, description: string) {
  await db.database.db.updateTable("projects").set({ description }).where("identifier", "=", identifier).execute();
}

describeEachDialect("cached project and attribute reads", (db, dialect) => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function cachedRepos(): Promise<Repositories> {
    const shared = await createSharedRowCaches(db().database);
    closers.push(() => shared.close());
    return createRepositories({
      db: db().database.db,
      capabilities: db().database.capabilities,
      caches: shared.caches,
    });
  }

  it("answers project reads from the cache until an update through the repositories commits", async () => {
    const repos = await cachedRepos();
    expect(await repos.projects.find("p")).toBeUndefined();
    await repos.projects.create(project("p"));
    // An absent project was not remembered as absent.
    expect(await repos.projects.get("p")).toMatchObject({ identifier: "p", description: "" });
    await changeDescriptionBehindTheCache(db(), "p", "behind");
    expect((await repos.projects.get("p")).description).toBe("");
    await repos.projects.update("p", { state: 1 });
    expect(await repos.projects.find("p")).toMatchObject({ state: 1, description: "behind" });
    expect(Object.isFrozen(await repos.projects.find("p"))).toBe(true);
  });

  it("drops entries when a transaction that changed them commits, and keeps them when it rolls back", async () => {
    const repos = await cachedRepos();
    await repos.projects.create(project("p"));
    await repos.projects.find("p");
    await expect(
      repos.withTransaction(async (tx) => {
        await tx.projects.update("p", { state: 1 });
        // Inside the transaction the database is read, own changes included.
        expect((await tx.projects.get("p")).state).toBe(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await repos.projects.get("p")).state).toBe(0);
    await repos.withTransaction((tx) => tx.projects.update("p", { state: 2 }));
    expect((await repos.projects.get("p")).state).toBe(2);
  });

  it("commits a change and its announcement together: a failed announcement undoes the change", async () => {
    const caches = createRowCaches(async () => {
      throw new Error("announcement failed");
    });
    const repos = createRepositories({ db: db().database.db, capabilities: db().database.capabilities, caches });
    await repos.projects.create(project("p"));
    await expect(repos.projects.update("p", { state: 1 })).rejects.toThrow("announcement failed");
    await expect(repos.resources.createOrUpdate(resource(1))).rejects.toThrow("announcement failed");
    const plain = createRepositories({ db: db().database.db, capabilities: db().database.capabilities });
    expect((await plain.projects.get("p")).state).toBe(0);
    expect(await plain.resources.listCandidates(scope)).toEqual([]);
  });

  it("answers attribute candidates from the cache until attributes are written or deleted", async () => {
    const repos = await cachedRepos();
    await repos.resources.createOrUpdate(resource(1));
    expect((await repos.resources.listCandidates(scope)).map((row) => row.attributes[0])).toEqual([1]);
    await db()
      .database.db.updateTable("resources")
      .set({ attributes: new Uint8Array([9]) })
      .execute();
    expect((await repos.resources.listCandidates(scope)).map((row) => row.attributes[0])).toEqual([1]);
    await repos.resources.createOrUpdate(resource(2));
    expect((await repos.resources.listCandidates(scope)).map((row) => row.attributes[0])).toEqual([2]);
    await repos.resources.delete(resource(2));
    expect(await repos.resources.listCandidates(scope)).toEqual([]);
  });

  if (dialect === "postgres") {
    it("hears changes made by another admin process on PostgreSQL, and caches nothing while it cannot", async () => {
      const repos = await cachedRepos();
      const other = await createDatabase<Database>({ url: TEST_POSTGRES_URL!, schema: db().database.schema });
      closers.push(() => other.close());
      const otherShared = await createSharedRowCaches(other);
      closers.push(() => otherShared.close());
      const otherRepos = createRepositories({
        db: other.db,
        capabilities: other.capabilities,
        caches: otherShared.caches,
      });
      await otherRepos.projects.create(project("p"));
      await otherRepos.resources.createOrUpdate(resource(1));
      expect((await repos.projects.get("p")).state).toBe(0);
      expect((await repos.resources.listCandidates(scope)).map((row) => row.attributes[0])).toEqual([1]);

      await otherRepos.projects.update("p", { state: 1 });
      await otherRepos.resources.createOrUpdate(resource(2));
      await vi.waitFor(async () => expect((await repos.projects.get("p")).state).toBe(1));
      await vi.waitFor(async () =>
        expect((await repos.resources.listCandidates(scope)).map((row) => row.attributes[0])).toEqual([2]),
      );

      // Cut this process's LISTEN connection: until it is back, every read goes to the database.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where pid <> pg_backend_pid() and query like ${'LISTEN "aloft_cached_row_changes%'}`.execute(other.db);
      await vi.waitFor(async () => {
        await changeDescriptionBehindTheCache(db(), "p", `behind ${Math.random()}`);
        const { rows } = await sql<{ description: string }>`select description from projects`.execute(other.db);
        expect((await repos.projects.get("p")).description).toBe(rows[0]!.description);
      });
    });
  }
});

describe("ReadThroughCache", () => {
  it("does not keep a value whose read started before an invalidation", async () => {
    const cache = new ReadThroughCache<string>();
    let finish: (value: string) => void = () => undefined;
    const reading = cache.get("k", () => new Promise<string>((resolve) => (finish = resolve)));
    cache.invalidate();
    finish("old");
    expect(await reading).toBe("old");
    expect(await cache.get("k", async () => "new")).toBe("new");
    expect(await cache.get("k", async () => "newer")).toBe("new");
  });

  it("keeps nothing while suspended", async () => {
    const cache = new ReadThroughCache<string>();
    cache.setSuspended(true);
    expect(await cache.get("k", async () => "a")).toBe("a");
    expect(await cache.get("k", async () => "b")).toBe("b");
    cache.setSuspended(false);
    expect(await cache.get("k", async () => "c")).toBe("c");
    expect(await cache.get("k", async () => "d")).toBe("c");
  });
});
