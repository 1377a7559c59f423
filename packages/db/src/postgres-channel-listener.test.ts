import { TEST_POSTGRES_URL, testSchemaName } from "@aloft/test-helpers";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type SqlDatabase } from "./create-database.js";
import { listenToPostgresChannel, postgresChannelName } from "./postgres-channel-listener.js";

describe("postgresChannelName", () => {
  it("is the base name without a schema and a schema-specific name with one", () => {
    expect(postgresChannelName("aloft_changes", undefined)).toBe("aloft_changes");
    const a = postgresChannelName("aloft_changes", "tenant_a");
    expect(a).toMatch(/^aloft_changes_[0-9a-f]{16}$/);
    expect(postgresChannelName("aloft_changes", "tenant_b")).not.toBe(a);
  });
});

describe.skipIf(TEST_POSTGRES_URL === undefined)("listenToPostgresChannel [postgres]", () => {
  let database: SqlDatabase<unknown>;
  const schema = testSchemaName("aloft_listen");
  beforeAll(async () => {
    database = await createDatabase({ url: TEST_POSTGRES_URL ?? "", schema, poolSize: 2 });
  });
  afterAll(async () => {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(database.db);
    await database.close();
  });

  it("passes on committed payloads in order, and nothing from a rolled-back transaction", async () => {
    const channel = postgresChannelName("aloft_listen_test", schema);
    const received: string[] = [];
    let wake: (() => void) | undefined;
    const listener = await listenToPostgresChannel({
      connection: database.postgresConnection!,
      channel,
      onNotification: (payload) => {
        received.push(payload);
        if (received.length === 3) wake?.();
      },
    });
    try {
      const done = new Promise<void>((resolve) => (wake = resolve));
      await database.db
        .transaction()
        .execute(async (tx) => {
          await sql`select pg_notify(${channel}, 'discarded')`.execute(tx);
          throw new Error("roll back");
        })
        .catch(() => undefined);
      await sql`select pg_notify(${channel}, x) from unnest(${["a", "b", "c"]}::text[]) with ordinality as t(x, n) order by n`.execute(
        database.db,
      );
      await done;
      expect(received).toEqual(["a", "b", "c"]);
    } finally {
      await listener.close();
    }
  });
});
