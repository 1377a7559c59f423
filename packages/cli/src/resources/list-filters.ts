import { create } from "@bufbuild/protobuf";
import { type Sort, Sort_Direction, SortSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { toAdminFilter } from "./field-selector.js";
import { DEFAULT_LIMIT, DEFAULT_SORT_KEY, type FilterFlags } from "./filter-options.js";

/** The paging, filtering and sorting fields shared by admin's list requests. */
export interface ListRequestParts {
  limit: number;
  /** admin's page token: the row offset, `""` for the first page. */
  token: string;
  /** admin filter syntax, `""` for none. */
  filters: string;
  sortBy: Sort | undefined;
}

/**
 * The list request fields for `flags`, as flytectl builds them (flytectl/pkg/filters/util.go): the page becomes
 * admin's numeric offset token, `(page - 1) × limit`.
 *
 * @throws CliError (usage) for a field selector that does not parse.
 */
export function listRequestParts(flags: FilterFlags): ListRequestParts {
  const limit = flags["filter.limit"] ?? DEFAULT_LIMIT;
  const page = flags["filter.page"] ?? 1;
  const offset = (page - 1) * limit;
  const sortKey = flags["filter.sortBy"] ?? DEFAULT_SORT_KEY;
  return {
    limit,
    token: offset > 0 ? String(offset) : "",
    filters: toAdminFilter(flags["filter.fieldSelector"]),
    sortBy:
      sortKey === ""
        ? undefined
        : create(SortSchema, {
            key: sortKey,
            direction: flags["filter.asc"] ? Sort_Direction.ASCENDING : Sort_Direction.DESCENDING,
          }),
  };
}

/** Joins admin filter expressions with `+`, skipping empty ones. */
export function joinFilters(...filters: readonly string[]): string {
  return filters.filter((f) => f !== "").join("+");
}
