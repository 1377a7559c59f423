import { createDatabase, HANDOFF_TABLE_NAMES, migrateToLatest } from "@aloft/db";
import { DIALECTS, TEST_POSTGRES_URL, testSchemaName, type TestDialectName } from "@aloft/test-helpers";
import { afterEach, describe, expect, it } from "vitest";
import { ENTITY_DEFINITIONS } from "../repositories/filters/filter-entities.js";
import type { AdminDatabase } from "./admin-database.js";
import { ADMIN_MIGRATIONS, migrateAdminDatabase } from "./admin-migrations.js";
import { type Database, TABLE_NAMES } from "./schema.js";

async function emptyDatabase(dialect: TestDialectName): Promise<AdminDatabase> {
  return dialect === "postgres"
    ? createDatabase<Database>({ url: TEST_POSTGRES_URL ?? "", schema: testSchemaName(), poolSize: 2 })
    : createDatabase<Database>({ url: "sqlite::memory:" });
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip !== undefined)(`migrateToLatest [${dialect.name}]`, () => {
    let database: AdminDatabase | undefined;

    afterEach(async () => {
      if (database === undefined) return;
      if (database.schema !== undefined) await database.db.schema.dropSchema(database.schema).cascade().execute();
      await database.close();
      database = undefined;
    });

    it("creates every table from an empty database, then has nothing left to apply", async () => {
      database = await emptyDatabase(dialect.name);
      expect(await migrateToLatest(database, ADMIN_MIGRATIONS)).toEqual({
        applied: ["0001-initial-schema", "0002-executions-phase-sort-index"],
      });
      expect(await migrateToLatest(database, ADMIN_MIGRATIONS)).toEqual({ applied: [] });
      const tables = (await database.db.introspection.getTables()).map((table) => table.name);
      expect(tables).toEqual(expect.arrayContaining([...TABLE_NAMES]));
    });

    it("creates the hand-off's tables too when admin starts", async () => {
      database = await emptyDatabase(dialect.name);
      expect(await migrateAdminDatabase(database)).toEqual({
        applied: ["0001-execution-queue", "0001-initial-schema", "0002-executions-phase-sort-index"],
      });
      const tables = (await database.db.introspection.getTables()).map((table) => table.name);
      expect(tables).toEqual(expect.arrayContaining([...TABLE_NAMES, ...HANDOFF_TABLE_NAMES]));
    });

    it("creates exactly the columns that filters and sort keys may name", async () => {
      database = await emptyDatabase(dialect.name);
      await migrateAdminDatabase(database);
      const tables = new Map((await database.db.introspection.getTables()).map((table) => [table.name, table]));
      for (const definition of Object.values(ENTITY_DEFINITIONS)) {
        const table = tables.get(definition.table);
        if (table === undefined) continue; // derived (named entities) or dropped (execution_admin_tags) tables
        const actual = table.columns.map((column) => column.name);
        for (const column of Object.keys(definition.columns)) {
          if (definition.table === "execution_tags" && column === "name") continue; // admin_tag.name → key
          expect(actual, `${definition.table}.${column}`).toContain(column);
        }
      }
      for (const [name, definition] of [
        ["executions", ENTITY_DEFINITIONS.e],
        ["tasks", ENTITY_DEFINITIONS.t],
        ["node_executions", ENTITY_DEFINITIONS.ne],
        ["task_executions", ENTITY_DEFINITIONS.te],
      ] as const) {
        expect(
          tables
            .get(name)
            ?.columns.map((column) => column.name)
            .sort(),
        ).toEqual(Object.keys(definition.columns).sort());
      }
    });

    it("lets concurrent starts apply each migration exactly once", async () => {
      database = await emptyDatabase(dialect.name);
      const reports = await Promise.all([
        migrateToLatest(database, ADMIN_MIGRATIONS),
        migrateToLatest(database, ADMIN_MIGRATIONS),
        migrateToLatest(database, ADMIN_MIGRATIONS),
      ]);
      expect(reports.flatMap((report) => report.applied)).toEqual([
        "0001-initial-schema",
        "0002-executions-phase-sort-index",
      ]);
    });
  });
}
