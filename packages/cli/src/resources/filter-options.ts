import { type Command, InvalidArgumentError } from "commander";

/** flytectl's `--filter.*` flags, as commander parses them. */
export interface FilterFlags {
  "filter.fieldSelector"?: string;
  "filter.sortBy"?: string;
  "filter.asc"?: boolean;
  "filter.limit"?: number;
  "filter.page"?: number;
}

/** flytectl's defaults (flytectl/pkg/filters/type.go): newest first, 100 per page. */
export const DEFAULT_LIMIT = 100;
export const DEFAULT_SORT_KEY = "created_at";

/** Adds `--filter.fieldSelector`, `--filter.sortBy`, `--filter.asc`, `--filter.limit` and `--filter.page`. */
export function addFilterOptions(command: Command): Command {
  return command
    .option(
      "--filter.fieldSelector <selector>",
      'terms joined by commas: field=value, !=, >, >=, <, <=, "field contains x", "field in (a;b)"',
    )
    .option("--filter.sortBy <field>", `the field to sort by (default: ${DEFAULT_SORT_KEY})`)
    .option("--filter.asc", "sort ascending (default: descending)")
    .option("--filter.limit <n>", `how many to fetch (default: ${DEFAULT_LIMIT})`, positiveInteger)
    .option("--filter.page <n>", "which page of --filter.limit results (default: 1)", positiveInteger);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("use a whole number of at least 1.");
  }
  return n;
}
