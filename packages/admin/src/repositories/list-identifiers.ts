import { sql } from "kysely";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import type { NamedEntityKey } from "./keys.js";
import { type ListInput, validateLimit } from "./pagination.js";

const GROUP_COLUMNS: ReadonlySet<string> = new Set(["project", "domain", "name"]);

/**
 * The distinct (project, domain, name) of a versioned table (ListTaskIds, ListWorkflowIds,
 * ListLaunchPlanIds). A sort on another column orders each name by its newest (descending) or
 * oldest (ascending) version's value, where flyteadmin's GROUP BY would fail; default order is
 * project, domain, name ascending.
 *
 * @internal shared by the task, workflow and launch plan repositories.
 */
export async function listIdentifiers(
  db: AdminDbExecutor,
  table: "tasks" | "workflows" | "launch_plans",
  input: ListInput,
): Promise<NamedEntityKey[]> {
  validateLimit(input.limit);
  // The three tables share these columns; naming one of them keeps the builder typed.
  let query = db
    .selectFrom(table as "tasks")
    .select(["project", "domain", "name"])
    .groupBy(["project", "domain", "name"]);
  for (const filter of input.filters ?? []) query = query.where(filterToSql(filter));
  const sort = input.sort;
  if (sort === undefined) {
    query = query.orderBy("project", "asc").orderBy("domain", "asc").orderBy("name", "asc");
  } else if (GROUP_COLUMNS.has(sort.column)) {
    query = query.orderBy(sortExpression(sort), sort.direction).orderBy("name", sort.direction);
  } else {
    const aggregate = sort.direction === "desc" ? sql`MAX(${sortExpression(sort)})` : sql`MIN(${sortExpression(sort)})`;
    query = query.orderBy(aggregate, sort.direction).orderBy("name", sort.direction);
  }
  return query
    .limit(input.limit)
    .offset(input.offset ?? 0)
    .execute();
}
