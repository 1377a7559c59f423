import { createDatabase, type SqlDatabase } from "@aloft/db";
import { FsBlobStore } from "@aloft/storage";
import { makeTempDir, TEST_POSTGRES_URL, testSchemaName, type TestDialectName } from "@aloft/test-helpers";
import { type Kysely, sql } from "kysely";
import {
  CATALOG_TABLE_NAMES,
  type CatalogClient,
  type CatalogTables,
  createCatalogService,
  migrateCatalogDatabase,
} from "./index.js";

/** A catalog over a fresh database of one dialect and a real blob store in a temporary directory. */
export interface CatalogTestContext {
  readonly dialect: TestDialectName;
  readonly database: SqlDatabase<CatalogTables>;
  readonly blobStore: FsBlobStore;
  readonly catalog: CatalogClient;
  /** The clock the catalog reads; tests move it. */
  readonly clock: { now: Date };
  /** Another service over the same database and blob store (another replica). */
  replica(): CatalogClient;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const START = new Date("2024-05-01T12:00:00.000Z");

/** Opens a {@link CatalogTestContext}: SQLite in memory, or a new PostgreSQL schema. */
export async function openCatalogTestContext(dialect: TestDialectName): Promise<CatalogTestContext> {
  const schema = dialect === "postgres" ? testSchemaName("aloft_catalog") : undefined;
  const database =
    dialect === "postgres"
      ? await createDatabase<CatalogTables>({ url: TEST_POSTGRES_URL ?? "", schema, poolSize: 8 })
      : await createDatabase<CatalogTables>({ url: "sqlite::memory:" });
  await migrateCatalogDatabase(database);
  const dir = await makeTempDir("aloft-catalog-");
  const blobStore = new FsBlobStore({ root: dir.path });
  const clock = { now: START };
  const service = () => createCatalogService({ database, blobStore, now: () => clock.now });
  const context: CatalogTestContext = {
    dialect,
    database,
    blobStore,
    catalog: service(),
    clock,
    replica: service,
    async reset() {
      clock.now = START;
      const db = database.db as Kysely<unknown>;
      for (const table of CATALOG_TABLE_NAMES) await sql`DELETE FROM ${sql.table(table)}`.execute(db);
    },
    async close() {
      await database.close();
      await dir.cleanup();
      if (schema === undefined) return;
      const server = await createDatabase({ url: TEST_POSTGRES_URL ?? "" });
      try {
        await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(server.db);
      } finally {
        await server.close();
      }
    },
  };
  return context;
}
