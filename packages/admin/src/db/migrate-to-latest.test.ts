import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ENTITY_DEFINITIONS } from "../repositories/filters/filter-entities.js";
import { DIALECTS, TEST_POSTGRES_URL } from "../repositories/test-databases.test-helper.js";
import { type AdminDatabase, createDatabase } from "./create-database.js";
import { migrateToLatest } from "./migrate-to-latest.js";
import { TABLE_NAMES } from "./schema.js";

async function emptyDatabase(dialect: "sqlite" | "postgres"): Promise<AdminDatabase> {
  return dialect === "postgres"
    ? createDatabase({
        url: TEST_POSTGRES_URL ?? "",
        schema: `aloft_test_${randomBytes(6).toString("hex")}`,
        poolSize: 2,
      })
    : createDatabase({ url: "sqlite::memory:" });
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
      expect(await migrateToLatest(database)).toEqual({ applied: ["0001-initial-schema"] });
      expect(await migrateToLatest(database)).toEqual({ applied: [] });
      const tables = (await database.db.introspection.getTables()).map((table) => table.name);
      expect(tables).toEqual(expect.arrayContaining([...TABLE_NAMES]));
    });

    it("creates exactly the columns that filters and sort keys may name", async () => {
      database = await emptyDatabase(dialect.name);
      await migrateToLatest(database);
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
        migrateToLatest(database),
        migrateToLatest(database),
        migrateToLatest(database),
      ]);
      expect(reports.flatMap((report) => report.applied)).toEqual(["0001-initial-schema"]);
    });
  });
}
