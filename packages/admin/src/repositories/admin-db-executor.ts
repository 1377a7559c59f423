import type { DbExecutor } from "@aloft/db";
import type { Database } from "../db/schema.js";

/** Where admin's repositories send their queries: the database or a transaction, over admin's tables. */
export type AdminDbExecutor = DbExecutor<Database>;
