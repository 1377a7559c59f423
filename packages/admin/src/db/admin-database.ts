import type { SqlDatabase } from "@aloft/db";
import type { Database } from "./schema.js";

/** The database admin opens: its tables and the hand-off's, in SQLite or PostgreSQL. */
export type AdminDatabase = SqlDatabase<Database>;
