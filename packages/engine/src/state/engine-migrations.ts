import type { MigrationSet } from "@aloft/db";
import { engineWorkflowsSchema } from "./migrations/0001-engine-workflows.js";

/** The engine's tables (`engine_workflows`), in their own migration set. */
export const ENGINE_MIGRATIONS: MigrationSet = Object.freeze({
  tableName: "engine_migrations",
  migrations: [["0001-engine-workflows", engineWorkflowsSchema]] as const,
});
