import { existsSync } from "node:fs";
import { join } from "node:path";
import { Code } from "@aloft/idl";
import { DIALECTS, makeTempDir, TEST_POSTGRES_URL } from "@aloft/test-helpers";
import { type Generated, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "./create-database.js";
import type { DbTime } from "./db-time.js";
import { HANDOFF_MIGRATIONS } from "./handoff/handoff-migrations.js";
import { migrateToLatest, type MigrationSet } from "./migrate-to-latest.js";
import { createTable, type RowTimestamps } from "./migration-helpers.js";
import { openTestDatabase, type TestDatabase } from "./test-databases.test-helper.js";

/** A table with a column of every kind the migrations know. */
interface SampleTables {
  samples: RowTimestamps & {
    id: Generated<number>;
    name: string;
    count: number;
    big: number;
    active: boolean;
    payload: Uint8Array;
    maybe: Uint8Array | null;
    at: DbTime;
  };
}

const SAMPLE_MIGRATIONS: MigrationSet = {
  tableName: "sample_migrations",
  migrations: [
    [
      "0001-samples",
      (capabilities) => ({
        up: (db) =>
          createTable(db, capabilities.sqlTypes, "samples", {
            id: "id",
            name: "text",
            count: "int",
            big: "bigint",
            active: "bool",
            payload: "bytes",
            maybe: "bytes?",
            at: "time",
          }),
      }),
    ],
  ],
};

describe("createDatabase", () => {
  it("opens a SQLite file, creating its directory, in WAL mode", async () => {
    const dir = await makeTempDir("aloft-db-");
    try {
      const path = join(dir.path, "nested", "aloft.db");
      const database = await createDatabase({ url: `sqlite://${path}` });
      await migrateToLatest(database, HANDOFF_MIGRATIONS);
      await database.close();
      expect(existsSync(path)).toBe(true);
      expect(existsSync(`${path}-wal`) || existsSync(path)).toBe(true);
      expect(database.capabilities.name).toBe("sqlite");
    } finally {
      await dir.cleanup();
    }
  });

  it("rejects URLs of other databases and malformed schema names with InvalidArgument", async () => {
    await expect(createDatabase({ url: "mysql://root:secret@localhost/db" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage:
        "unsupported database url 'mysql://root:***@localhost/db': use sqlite:///path/to/file.db, sqlite::memory: or postgres://…",
    });
    await expect(createDatabase({ url: "sqlite://" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "sqlite url has no path: use sqlite:///path/to/file.db",
    });
    await expect(
      createDatabase({ url: "postgres://localhost/db", schema: 'x"; drop schema public; --' }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: `invalid PostgreSQL schema name 'x"; drop schema public; --'`,
    });
  });

  it("reports an unreachable PostgreSQL server as Unavailable", async () => {
    await expect(createDatabase({ url: "postgres://nobody@127.0.0.1:1/none" })).rejects.toMatchObject({
      code: Code.Unavailable,
    });
  });
});

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip !== undefined)(`value normalisation [${dialect.name}]`, () => {
    let t: TestDatabase<SampleTables>;
    beforeAll(async () => {
      t = await openTestDatabase<SampleTables>({ dialect: dialect.name, migrations: [SAMPLE_MIGRATIONS] });
    });
    afterAll(async () => {
      await t.close();
    });

    it("reads back times, int64, booleans and bytes in the same shapes in every dialect", async () => {
      const db = t.database.db;
      const bytes = new Uint8Array([0, 1, 2, 255]);
      await db
        .insertInto("samples")
        .values({
          name: "n",
          count: 5,
          big: 4_000_000_000_000,
          active: true,
          payload: bytes,
          maybe: null,
          at: "2024-05-01T12:00:00.000001Z",
          created_at: "2024-05-01T12:00:00.123456Z",
          updated_at: "2024-05-01T12:00:00.123456Z",
        })
        .execute();
      const row = await db.selectFrom("samples").selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        id: 1,
        active: true,
        count: 5,
        big: 4_000_000_000_000,
        created_at: "2024-05-01T12:00:00.123456Z",
      });
      expect(new Uint8Array(row.payload)).toEqual(bytes);
      expect(row.maybe).toBeNull();
      expect(await db.selectFrom("samples").select(["at", "id"]).executeTakeFirstOrThrow()).toEqual({
        at: "2024-05-01T12:00:00.000001Z",
        id: 1,
      });
      const { big } =
        (await sql<{ big: unknown }>`SELECT CAST(4000000000000 AS BIGINT) AS big`.execute(db)).rows[0] ?? {};
      expect(big).toBe(4_000_000_000_000);
    });
  });
}

describe.skipIf(TEST_POSTGRES_URL === undefined)("PostgreSQL prepared statements", () => {
  it("prepares repeated data statements once per connection and runs multi-statement scripts unprepared", async () => {
    const schema = `aloft_prepared_${Date.now().toString(36)}`;
    const database = await createDatabase<SampleTables>({ url: TEST_POSTGRES_URL!, schema, poolSize: 1 });
    try {
      await migrateToLatest(database, SAMPLE_MIGRATIONS);
      const db = database.db;
      for (let i = 0; i < 3; i++) await db.selectFrom("samples").selectAll().where("name", "=", `p${i}`).execute();
      await sql.raw(`DELETE FROM "samples"; DELETE FROM "samples";`).execute(db);
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db);
      const lookups = rows.filter((r) => r.statement.startsWith('select * from "samples" where "name" = $1'));
      expect(lookups).toHaveLength(1);
      expect(rows.some((r) => r.statement.includes("DELETE FROM"))).toBe(false);
    } finally {
      await database.close();
      const cleanup = await createDatabase({ url: TEST_POSTGRES_URL! });
      await sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(cleanup.db);
      await cleanup.close();
    }
  });
});
