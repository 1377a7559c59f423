import { parseClientTime } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import { type ColumnKind, type Entity, resolveColumn } from "./filter-entities.js";
import { parseFilterDuration } from "./parse-go-duration.js";

/** The filter functions of flyteadmin's grammar. */
export type FilterFunction =
  "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "contains" | "not_like" | "value_in" | "value_not_in";

const SINGLE_VALUE: ReadonlySet<string> = new Set(["eq", "ne", "gt", "gte", "lt", "lte", "contains", "not_like"]);
const REPEATED_VALUE: ReadonlySet<string> = new Set(["value_in", "value_not_in"]);
const PATTERN_FUNCTIONS: ReadonlySet<string> = new Set(["contains", "not_like"]);

/** True if `name` is one of the grammar's functions. */
export function isFilterFunction(name: string): name is FilterFunction {
  return SINGLE_VALUE.has(name) || REPEATED_VALUE.has(name);
}

/** A value bound to a query parameter: text, an integer, a time (`DbTime`), nanoseconds or a boolean. */
export type FilterValue = string | number | boolean;

/**
 * One validated filter, ready to become SQL: the column is a real, whitelisted column of `entity`'s
 * table and `values` are already converted to its kind. Build them with `parseFilters` (client input)
 * or {@link fieldFilter} (the server's own filters); never construct one by hand from client text.
 */
export interface FilterExpression {
  /** The entity whose table holds `column` (after flyteadmin's rewrites, e.g. `at` → `et`). */
  readonly entity: Entity;
  readonly column: string;
  readonly fn: FilterFunction;
  /** One value for single-value functions; one or more for `value_in`/`value_not_in`. */
  readonly values: readonly FilterValue[];
  /** Compare `COALESCE(column, coalesceDefault)`. */
  readonly coalesceDefault?: number;
  /** The field as the filter named it (before rewrites), e.g. `state` or `name`. */
  readonly field: string;
}

/** Input of {@link fieldFilter}. */
export interface FieldFilterInput {
  /** The entity the field belongs to, before rewrites (e.g. `e` with field `project`). */
  entity: Entity;
  fn: FilterFunction;
  field: string;
  /** A single value, or the list for `value_in`/`value_not_in`. */
  value: string | number | boolean | readonly (string | number | boolean)[];
}

/**
 * A filter the server adds itself (flyteadmin's `NewSingleValueFilter`/`NewRepeatedValueFilter`),
 * e.g. `fieldFilter({ entity: Entity.Execution, fn: "eq", field: "project", value: "p" })`.
 * Field rewrites apply as for client filters.
 *
 * @throws AloftError Internal if the field is not a column of the entity (a programming error);
 *   InvalidArgument if a value does not fit the column.
 */
export function fieldFilter(input: FieldFilterInput): FilterExpression {
  const resolved = resolveColumn(input.entity, input.field);
  if (resolved === undefined || resolved.kind === "bytes") {
    throw AloftError.internal(`'${input.entity}.${input.field}' is not a filterable column`);
  }
  const raw = Array.isArray(input.value) ? input.value : [input.value as string | number | boolean];
  return buildFilter({
    entity: resolved.entity,
    column: resolved.column,
    kind: resolved.kind,
    fn: input.fn,
    field: input.field,
    rawValues: raw.map(String),
    ...(resolved.coalesceDefault === undefined ? {} : { coalesceDefault: resolved.coalesceDefault }),
    label: `${input.entity}.${input.field}`,
  });
}

/** `eq` filters for whichever of `project`, `domain`, `name` are non-empty (flyteadmin's identifier filters). */
export function identifierFilters(
  entity: Entity,
  id: { project?: string; domain?: string; name?: string },
): FilterExpression[] {
  const filters: FilterExpression[] = [];
  for (const field of ["project", "domain", "name"] as const) {
    const value = id[field];
    if (value !== undefined && value !== "") filters.push(fieldFilter({ entity, fn: "eq", field, value }));
  }
  return filters;
}

/** True if any filter names `field` (before rewrites), whatever its entity; flyteadmin's `state` check. */
export function hasFilterOnField(filters: readonly FilterExpression[], field: string): boolean {
  return filters.some((filter) => filter.field === field);
}

/** @internal Input of {@link buildFilter}. */
export interface BuildFilterInput {
  entity: Entity;
  column: string;
  kind: ColumnKind;
  fn: FilterFunction;
  field: string;
  rawValues: readonly string[];
  coalesceDefault?: number;
  /** `e.state`: how errors name the field. */
  label: string;
}

/** @internal Checks the function against the column kind and converts the values. */
export function buildFilter(input: BuildFilterInput): FilterExpression {
  if (PATTERN_FUNCTIONS.has(input.fn) && input.kind !== "text") {
    throw AloftError.invalidArgument(
      `filter function '${input.fn}' cannot be applied to non-text field '${input.label}'`,
    );
  }
  if (SINGLE_VALUE.has(input.fn) && input.rawValues.length !== 1) {
    throw AloftError.invalidArgument(`invalid single value filter expression: ${input.fn}`);
  }
  if (input.rawValues.length === 0) {
    throw AloftError.invalidArgument(`invalid repeated value filter expression: ${input.fn}`);
  }
  const values = input.rawValues.map((raw) => convertValue(raw, input.kind, input.label));
  return {
    entity: input.entity,
    column: input.column,
    fn: input.fn,
    values,
    field: input.field,
    ...(input.coalesceDefault === undefined ? {} : { coalesceDefault: input.coalesceDefault }),
  };
}

function convertValue(raw: string, kind: ColumnKind, label: string): FilterValue {
  switch (kind) {
    case "text":
      return raw;
    case "int": {
      const trimmed = raw.trim();
      const value = Number(trimmed);
      if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(value)) {
        throw AloftError.invalidArgument(`invalid value '${raw}' for integer field '${label}'`);
      }
      return value;
    }
    case "time":
      return parseClientTime(raw);
    case "duration": {
      const nanos = parseFilterDuration(raw);
      if (nanos === undefined) throw AloftError.invalidArgument(`Failed to parse duration [${raw}]`);
      return nanos;
    }
    case "bool": {
      const lowered = raw.trim().toLowerCase();
      if (["true", "t", "1"].includes(lowered)) return true;
      if (["false", "f", "0"].includes(lowered)) return false;
      throw AloftError.invalidArgument(`invalid value '${raw}' for boolean field '${label}'`);
    }
    case "bytes":
      throw AloftError.invalidArgument(`'${label}' is invalid filter`);
  }
}
