import { AloftError } from "@aloft/idl";
import { ENTITY_DEFINITIONS, type Entity, resolveColumn } from "./filter-entities.js";

/** A checked sort: a real column of the listed entity and a direction. */
export interface SortParameter {
  /** The entity whose table holds `column` (after flyteadmin's rewrites). */
  readonly entity: Entity;
  readonly column: string;
  readonly direction: "asc" | "desc";
  readonly coalesceDefault?: number;
}

/** The request's `sort_by` (`admin.Sort`): a key and DESCENDING=0 / ASCENDING=1. */
export interface SortRequest {
  key: string;
  direction: number;
}

/**
 * Checks `sort` against the columns of `primary` (flyteadmin's `NewSortParameter`); an unset sort
 * gives `undefined` (the repository's default order). Direction defaults to DESCENDING.
 *
 * @throws AloftError InvalidArgument "invalid sort key 'k'" for anything but a real, non-binary
 *   column, and "invalid sort order specified: …" for an unknown direction.
 */
export function parseSort(sort: SortRequest | undefined, primary: Entity): SortParameter | undefined {
  if (sort === undefined) return undefined;
  const kind = ENTITY_DEFINITIONS[primary].columns[sort.key];
  // Sort keys name the listed table's own columns; only a named entity's description and state
  // live elsewhere (unlike filters, `project` on an execution-scoped table is not rewritten).
  const resolved =
    primary === "nen"
      ? resolveColumn(primary, sort.key)
      : kind === undefined
        ? undefined
        : { entity: primary, column: sort.key };
  if (kind === undefined || kind === "bytes" || resolved === undefined) {
    throw AloftError.invalidArgument(`invalid sort key '${sort.key}'`);
  }
  let direction: "asc" | "desc";
  if (sort.direction === 0) direction = "desc";
  else if (sort.direction === 1) direction = "asc";
  else throw AloftError.invalidArgument(`invalid sort order specified: key:"${sort.key}" direction:${sort.direction}`);
  return {
    entity: resolved.entity,
    column: resolved.column,
    direction,
    ...("coalesceDefault" in resolved && resolved.coalesceDefault !== undefined
      ? { coalesceDefault: resolved.coalesceDefault }
      : {}),
  };
}

/** A sort on `column` of `entity` built by the server itself (e.g. projects by identifier). */
export function sortBy(entity: Entity, column: string, direction: "asc" | "desc"): SortParameter {
  const kind = ENTITY_DEFINITIONS[entity].columns[column];
  if (kind === undefined || kind === "bytes")
    throw AloftError.internal(`'${entity}.${column}' is not a sortable column`);
  return { entity, column, direction };
}
