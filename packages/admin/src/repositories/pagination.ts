import { AloftError } from "@aloft/idl";
import type { FilterExpression } from "./filters/filter-expression.js";
import type { SortParameter } from "./filters/sort-parameter.js";

/** What every list method takes: checked filters, an optional checked sort and a page. */
export interface ListInput {
  /** From `parseFilters` and `fieldFilter`; all must hold (AND). */
  filters?: readonly FilterExpression[];
  /** From `parseSort`; each repository documents its default order. */
  sort?: SortParameter;
  /** Page size, > 0 (see {@link validateLimit}); a few lists document 0 as "no limit". */
  limit: number;
  /** Rows to skip, from {@link parsePageToken}. @default 0 */
  offset?: number;
}

/**
 * The offset encoded in a list request's `token` (flyteadmin's opaque token is a decimal offset;
 * empty means the first page).
 *
 * @param listName the RPC, for the message, e.g. `ListExecutions`.
 * @throws AloftError InvalidArgument "invalid pagination token <t> for <listName>" unless the token
 *   is empty or a non-negative integer.
 */
export function parsePageToken(token: string, listName?: string): number {
  if (token === "") return 0;
  const offset = /^[+-]?\d+$/.test(token) ? Number(token) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw AloftError.invalidArgument(
      `invalid pagination token ${token}${listName === undefined ? "" : ` for ${listName}`}`,
    );
  }
  return offset === 0 ? 0 : offset;
}

/**
 * Checks a list request's `limit`.
 *
 * @throws AloftError InvalidArgument "invalid value for limit" when it is 0 (or not a positive integer).
 */
export function validateLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit <= 0) throw AloftError.invalidArgument("invalid value for limit");
}

/**
 * The token of the next page: `offset + returned`, but only when the page is full (as flyteadmin,
 * so a last, empty page is possible); otherwise "".
 */
export function nextPageToken(page: { offset: number; limit: number; returned: number }): string {
  return page.limit > 0 && page.returned === page.limit ? String(page.offset + page.returned) : "";
}
