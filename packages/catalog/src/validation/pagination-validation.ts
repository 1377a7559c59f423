/** List pagination (datacatalog's pagination_validator.go and transformers/pagination.go). */
import { AloftError } from "@aloft/idl";
import {
  type PaginationOptions,
  PaginationOptions_SortKey,
  PaginationOptions_SortOrder,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { ListPage } from "../repositories/catalog-db.js";

/** The page size when a request has no pagination options. */
export const DEFAULT_PAGE_LIMIT = 50;
const MAX_UINT32 = 4_294_967_295;
const MAX_INT32 = 2_147_483_647;

/**
 * @throws AloftError InvalidArgument "Invalid token value: <t>" unless the token is blank or an unsigned 32-bit
 *   integer; "Invalid sort key <k>" / "Invalid sort order <o>" for values the enums do not define.
 */
export function validatePagination(options: PaginationOptions): void {
  if (options.token.replace(/^ +| +$/g, "") !== "") {
    const offset = /^[0-9]+$/.test(options.token) ? Number(options.token) : Number.NaN;
    if (!(offset <= MAX_UINT32)) throw AloftError.invalidArgument(`Invalid token value: ${options.token}`);
  }
  if (options.sortKey !== PaginationOptions_SortKey.CREATION_TIME) {
    throw AloftError.invalidArgument(`Invalid sort key ${enumText(PaginationOptions_SortKey, options.sortKey)}`);
  }
  if (
    options.sortOrder !== PaginationOptions_SortOrder.ASCENDING &&
    options.sortOrder !== PaginationOptions_SortOrder.DESCENDING
  ) {
    throw AloftError.invalidArgument(`Invalid sort order ${enumText(PaginationOptions_SortOrder, options.sortOrder)}`);
  }
}

/**
 * The page a (validated) request asks for: by default the first 50, newest first. With options, the limit is taken
 * as given — a limit of 0 returns nothing, as datacatalog's `LIMIT 0` does.
 *
 * @throws AloftError InvalidArgument "Invalid token 0" for a token beyond the int32 range.
 */
export function pageOf(options: PaginationOptions | undefined): ListPage {
  if (options === undefined) return { offset: 0, limit: DEFAULT_PAGE_LIMIT, ascending: false };
  let offset = 0;
  if (options.token.replace(/^ +| +$/g, "") !== "") {
    offset = Number(options.token);
    if (!(offset <= MAX_INT32)) throw AloftError.invalidArgument("Invalid token 0");
  }
  return { offset, limit: options.limit, ascending: options.sortOrder === PaginationOptions_SortOrder.ASCENDING };
}

function enumText(values: Record<number, string>, value: number): string {
  return values[value] ?? String(value);
}
