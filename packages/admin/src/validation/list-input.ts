/**
 * The filter, sort and page part of a list request, checked in flyteadmin's order (filters, then sort key,
 * then token) and turned into a repository `ListInput`.
 */
import type { Sort } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type { Entity } from "../repositories/filters/filter-entities.js";
import type { FilterExpression } from "../repositories/filters/filter-expression.js";
import { parseFilters } from "../repositories/filters/parse-filters.js";
import { parseSort } from "../repositories/filters/sort-parameter.js";
import { type ListInput, nextPageToken, parsePageToken } from "../repositories/pagination.js";

/** The list fields most list requests share. */
export interface ListRequestFields {
  /** flyteadmin's filter grammar; ignored when {@link ListInputOptions.requestFilters} is false. */
  filters?: string;
  sortBy?: Sort | undefined;
  token: string;
  limit: number;
}

/** Options of {@link listInputFrom}. */
export interface ListInputOptions {
  /** The listed entity: request filters and the sort key are checked against its columns. */
  entity: Entity;
  /** The RPC name in "invalid pagination token t for <listName>"; omitted, the message has no suffix. */
  listName?: string;
  /** Filters the server adds first (flyteadmin's identifier filters). @default [] */
  baseFilters?: readonly FilterExpression[];
  /** Whether the request's `filters` apply (the List*Ids calls ignore them). @default true */
  requestFilters?: boolean;
}

/** A checked list request: the repository input with its offset resolved. */
export interface CheckedListInput extends ListInput {
  filters: FilterExpression[];
  offset: number;
}

/**
 * Parses and checks `request`'s filters, sort and token.
 *
 * @throws AloftError InvalidArgument with the filter parser's messages, "invalid sort key 'k'", or "invalid
 *   pagination token t for <listName>".
 */
export function listInputFrom(request: ListRequestFields, options: ListInputOptions): CheckedListInput {
  const filters = [...(options.baseFilters ?? [])];
  if ((options.requestFilters ?? true) && request.filters !== undefined && request.filters !== "") {
    filters.push(...parseFilters(request.filters, options.entity));
  }
  const sort = parseSort(request.sortBy, options.entity);
  const offset = parsePageToken(request.token, options.listName);
  return { filters, ...(sort === undefined ? {} : { sort }), limit: request.limit, offset };
}

/** The response token for a page of `returned` items read with `input` ("" unless the page is full). */
export function pageTokenAfter(input: CheckedListInput, returned: number): string {
  return nextPageToken({ offset: input.offset, limit: input.limit, returned });
}
