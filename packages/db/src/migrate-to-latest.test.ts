import { Code } from "@aloft/idl";
import { DIALECTS } from "@aloft/test-helpers";
import { afterEach, describe, expect, it } from "vitest";
import { HANDOFF_MIGRATIONS } from "./handoff/handoff-migrations.js";
import { HANDOFF_TABLE_NAMES } from "./handoff/handoff-schema.js";
import { migrateToLatest, type MigrationSet } from "./migrate-to-latest.js";
import { createTable } from "./migration-helpers.js";
import { openTestDatabase, type TestDatabase } from "./test-databases.test-helper.js";

const NOTES: MigrationSet = {
  tableName: "notes_migrations",
  migrations: [
    ["0001-notes", (c) => ({ up: (db) => createTable(db, c.sqlTypes, "notes", { id: "id", text: "text" }) })],
  ],
};

const BROKEN: MigrationSet = {
  tableName: "broken_migrations",
  migrations: [
    ["0001-fine", (c) => ({ up: (db) => createTable(db, c.sqlTypes, "fine", { id: "id" }) })],
    ["0002-clash", (c) => ({ up: (db) => createTable(db, c.sqlTypes, "fine", { id: "id" }) })],
  ],
};

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip !== undefined)(`migrateToLatest of migration sets [${dialect.name}]`, () => {
    let t: TestDatabase<unknown> | undefined;

    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it("keeps each set's progress in its own table, so sets evolve independently", async () => {
      t = await openTestDatabase({ dialect: dialect.name });
      expect(await migrateToLatest(t.database, HANDOFF_MIGRATIONS)).toEqual({ applied: ["0001-execution-queue"] });
      expect(await migrateToLatest(t.database, NOTES)).toEqual({ applied: ["0001-notes"] });
      expect(await migrateToLatest(t.database, HANDOFF_MIGRATIONS)).toEqual({ applied: [] });
      const tables = (await t.database.db.introspection.getTables()).map((table) => table.name);
      expect(tables).toEqual(expect.arrayContaining([...HANDOFF_TABLE_NAMES, "notes"]));
      const bookkeeping = await t.database.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(bookkeeping.map((table) => table.name)).toEqual(
        expect.arrayContaining(["handoff_migrations", "handoff_migrations_lock", "notes_migrations"]),
      );
    });

    it("applies a set once however many starts race", async () => {
      t = await openTestDatabase({ dialect: dialect.name });
      const database = t.database;
      const reports = await Promise.all([1, 2, 3].map(() => migrateToLatest(database, HANDOFF_MIGRATIONS)));
      expect(reports.flatMap((report) => report.applied)).toEqual(["0001-execution-queue"]);
    });

    it("reports a failed migration as Internal, naming it", async () => {
      t = await openTestDatabase({ dialect: dialect.name });
      await expect(migrateToLatest(t.database, BROKEN)).rejects.toMatchObject({
        code: Code.Internal,
        rawMessage: expect.stringMatching(/^database migration 0002-clash failed: /),
      });
    });
  });
}
