import { existsSync } from "node:fs";
import { join } from "node:path";
import { Code } from "@aloft/idl";
import { makeTempDir } from "@aloft/test-helpers";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DIALECTS,
  openTestDatabase,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from "../repositories/test-databases.test-helper.js";
import { createDatabase } from "./create-database.js";
import { migrateToLatest } from "./migrate-to-latest.js";

describe("createDatabase", () => {
  it("opens a SQLite file, creating its directory, in WAL mode", async () => {
    const dir = await makeTempDir("aloft-db-");
    try {
      const path = join(dir.path, "nested", "admin.db");
      const database = await createDatabase({ url: `sqlite://${path}` });
      await migrateToLatest(database);
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
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(dialect.name);
    });
    afterAll(async () => {
      await t.close();
    });

    it("reads back times, int64, booleans and bytes in the same shapes in every dialect", async () => {
      const db = t.database.db;
      await db
        .insertInto("schedulable_entities")
        .values({
          project: "p",
          domain: "d",
          name: "n",
          version: "v",
          cron_expression: "",
          fixed_rate_value: 5,
          unit: 0,
          kickoff_time_input_arg: "",
          active: true,
          created_at: "2024-05-01T12:00:00.123456Z",
          updated_at: "2024-05-01T12:00:00.123456Z",
        })
        .execute();
      const row = await db.selectFrom("schedulable_entities").selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        id: 1,
        active: true,
        fixed_rate_value: 5,
        created_at: "2024-05-01T12:00:00.123456Z",
      });

      await db
        .insertInto("node_execution_events")
        .values({
          execution_project: "p",
          execution_domain: "d",
          execution_name: "e",
          node_id: "n",
          phase: "RUNNING",
          request_id: "r",
          occurred_at: "2024-05-01T12:00:00.000001Z",
          created_at: "2024-05-01T12:00:00.000001Z",
          updated_at: "2024-05-01T12:00:00.000001Z",
        })
        .execute();
      const bytes = new Uint8Array([0, 1, 2, 255]);
      await db
        .insertInto("signals")
        .values({
          execution_project: "p",
          execution_domain: "d",
          execution_name: "e",
          signal_id: "s",
          type: bytes,
          value: null,
          created_at: "2024-05-01T12:00:00.000000Z",
          updated_at: "2024-05-01T12:00:00.000000Z",
        })
        .execute();
      const signal = await db.selectFrom("signals").selectAll().executeTakeFirstOrThrow();
      expect(new Uint8Array(signal.type)).toEqual(bytes);
      expect(signal.value).toBeNull();
      const event = await db
        .selectFrom("node_execution_events")
        .select(["occurred_at", "id"])
        .executeTakeFirstOrThrow();
      expect(event).toEqual({ occurred_at: "2024-05-01T12:00:00.000001Z", id: 1 });
      const { big } =
        (await sql<{ big: unknown }>`SELECT CAST(4000000000000 AS BIGINT) AS big`.execute(db)).rows[0] ?? {};
      expect(big).toBe(4_000_000_000_000);
    });
  });
}

describe.skipIf(TEST_POSTGRES_URL === undefined)("PostgreSQL prepared statements", () => {
  it("prepares repeated data statements once per connection and runs multi-statement scripts unprepared", async () => {
    const schema = `aloft_prepared_${Date.now().toString(36)}`;
    const database = await createDatabase({ url: TEST_POSTGRES_URL!, schema, poolSize: 1 });
    try {
      await migrateToLatest(database);
      const db = database.db;
      for (let i = 0; i < 3; i++)
        await db.selectFrom("projects").selectAll().where("identifier", "=", `p${i}`).execute();
      await sql.raw(`DELETE FROM "projects"; DELETE FROM "tasks";`).execute(db);
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db);
      const projectLookups = rows.filter((r) =>
        r.statement.startsWith('select * from "projects" where "identifier" = $1'),
      );
      expect(projectLookups).toHaveLength(1);
      expect(rows.some((r) => r.statement.includes("DELETE FROM"))).toBe(false);
    } finally {
      await database.close();
      const cleanup = await createDatabase({ url: TEST_POSTGRES_URL! });
      await sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(cleanup.db);
      await cleanup.close();
    }
  });
});
