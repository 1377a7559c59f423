import { AloftError } from "@aloft/idl";
import { ENTITY_DEFINITIONS, ENTITY_PREFIXES, type Entity, resolveColumn } from "./filter-entities.js";
import { buildFilter, type FilterExpression, isFilterFunction } from "./filter-expression.js";

/**
 * flyteadmin's expression pattern, `func(field,value)` with one optional blank after the comma.
 * Like Go's it is unanchored and greedy: the field runs to the last comma, the value to the last `)`.
 * Go's `\s` is ASCII-only, hence the explicit class.
 */
const FILTER_PATTERN = /(.+)\((.+),[\t\n\f\r ]?(.+)\)/;

/**
 * Parses a `filters` request string (`eq(phase,RUNNING)+value_in(execution_tag.key,a;b)`) for a list
 * over `primary`, as flyteadmin's `ParseFilters` does, into filters that touch only whitelisted
 * columns. Values are never spliced into SQL: they become bound parameters of the column's kind.
 *
 * Single-value functions take the whole value, `;` included; `value_in`/`value_not_in` split it on `;`.
 *
 * @throws AloftError InvalidArgument with flyteadmin's messages: "invalid value for filters" (syntax),
 *   "'x' entity is not allowed in filters", "'e.f' is invalid filter", "unrecognized filter function: f",
 *   and the value errors ("Timestamp … must conform to RFC3339 Nano spec", "Failed to parse duration […]").
 */
export function parseFilters(filters: string, primary: Entity): FilterExpression[] {
  if (filters === "") return [];
  const allowed = ENTITY_DEFINITIONS[primary].allowedJoins;
  return filters.split("+").map((expression) => {
    const match = FILTER_PATTERN.exec(expression);
    if (match === null) throw AloftError.invalidArgument("invalid value for filters");
    const [, fn = "", rawField = "", rawValue = ""] = match;
    const [entity, field] = splitEntityPrefix(rawField, primary);
    if (!allowed.includes(entity)) {
      throw AloftError.invalidArgument(`'${entity}' entity is not allowed in filters`);
    }
    const label = `${entity}.${field}`;
    const declared = ENTITY_DEFINITIONS[entity].columns[field];
    const resolved = resolveColumn(entity, field);
    if (declared === undefined || declared === "bytes" || resolved === undefined) {
      throw AloftError.invalidArgument(`'${label}' is invalid filter`);
    }
    if (!isFilterFunction(fn)) throw AloftError.invalidArgument(`unrecognized filter function: ${fn}`);
    const repeated = fn === "value_in" || fn === "value_not_in";
    return buildFilter({
      entity: resolved.entity,
      column: resolved.column,
      kind: resolved.kind,
      fn,
      field,
      rawValues: repeated ? rawValue.split(";") : [rawValue],
      ...(resolved.coalesceDefault === undefined ? {} : { coalesceDefault: resolved.coalesceDefault }),
      label,
    });
  });
}

function splitEntityPrefix(field: string, primary: Entity): [Entity, string] {
  for (const [prefix, entity] of ENTITY_PREFIXES) {
    if (field.startsWith(prefix)) return [entity, field.slice(prefix.length)];
  }
  return [primary, field];
}
