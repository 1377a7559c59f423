import { type Expression, type RawBuilder, sql, type SqlBool } from "kysely";
import { ENTITY_DEFINITIONS, type Entity } from "./filter-entities.js";
import type { FilterExpression } from "./filter-expression.js";
import type { SortParameter } from "./sort-parameter.js";

/**
 * The SQL for one filter: `"table"."column" <op> $n`. The identifiers come only from the entity
 * whitelist (and are quoted by Kysely); every value is a bound parameter.
 */
export function filterToSql(filter: FilterExpression): RawBuilder<SqlBool> {
  const target = columnSql(filter.entity, filter.column, filter.coalesceDefault);
  const [first] = filter.values;
  switch (filter.fn) {
    case "eq":
      return sql<SqlBool>`${target} = ${first}`;
    case "ne":
      return sql<SqlBool>`${target} <> ${first}`;
    case "gt":
      return sql<SqlBool>`${target} > ${first}`;
    case "gte":
      return sql<SqlBool>`${target} >= ${first}`;
    case "lt":
      return sql<SqlBool>`${target} < ${first}`;
    case "lte":
      return sql<SqlBool>`${target} <= ${first}`;
    case "contains":
      // As flyteadmin: the value is wrapped in % but not escaped, so % and _ in it act as wildcards.
      return sql<SqlBool>`${target} LIKE ${`%${String(first)}%`}`;
    case "not_like":
      return sql<SqlBool>`${target} NOT LIKE ${first}`;
    case "value_in":
      return sql<SqlBool>`${target} IN (${sql.join(filter.values)})`;
    case "value_not_in":
      return sql<SqlBool>`${target} NOT IN (${sql.join(filter.values)})`;
  }
}

/** `"table"."column"`, or `COALESCE("table"."column", n)`. */
export function columnSql(entity: Entity, column: string, coalesceDefault?: number): Expression<unknown> {
  const ref = sql.ref(`${ENTITY_DEFINITIONS[entity].table}.${column}`);
  return coalesceDefault === undefined ? ref : sql`COALESCE(${ref}, ${sql.lit(coalesceDefault)})`;
}

/** The SQL expression a sort orders by. */
export function sortExpression(sort: SortParameter): Expression<unknown> {
  return columnSql(sort.entity, sort.column, sort.coalesceDefault);
}

/** The distinct entities `filters` touch, to decide which joins a list query needs. */
export function filterEntities(filters: readonly FilterExpression[]): Set<Entity> {
  return new Set(filters.map((filter) => filter.entity));
}
