import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { toAdminFilter } from "./field-selector.js";
import { listRequestParts } from "./list-filters.js";

describe("toAdminFilter", () => {
  it.each([
    ["phase in (SUCCEEDED;FAILED)", "value_in(phase,SUCCEEDED;FAILED)"],
    [
      "execution.phase in (FAILED;SUCCEEDED),execution.duration<200",
      "value_in(execution.phase,FAILED;SUCCEEDED)+lt(execution.duration,200)",
    ],
    ["task.name=k8s_spark.pyspark_pi,task.version=v1", "eq(task.name,k8s_spark.pyspark_pi)+eq(task.version,v1)"],
    ["created_at>=2021-05-24T21:43:12.325335Z", "gte(created_at,2021-05-24T21:43:12.325335Z)"],
    ["duration<=10,phase!=FAILED,retries>1", "lte(duration,10)+ne(phase,FAILED)+gt(retries,1)"],
    ["name contains greet", "contains(name,greet)"],
    ["state=1", "eq(state,1)"],
    ["", ""],
  ])("%j → %j", (selector, filter) => {
    expect(toAdminFilter(selector)).toBe(filter);
  });

  it("unescapes \\, \\= and \\\\ in values, and does not split terms on an escaped comma", () => {
    expect(toAdminFilter("description=a\\,b\\=c\\\\d")).toBe("eq(description,a,b=c\\d)");
  });

  it.each([
    ["phase", /no operator/],
    ["=x", /both a field and a value are needed/],
    ["name=", /both a field and a value are needed/],
    ["name=a=b", /unescaped = in the value/],
    ["name=a\\b", /invalid escape sequence \\b/],
    ["phase in FAILED", /takes a list in parentheses/],
  ])("refuses %j as a usage error naming the term", (selector, message) => {
    let error: unknown;
    try {
      toAdminFilter(selector);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toMatch(message);
    expect((error as CliError).message).toContain(JSON.stringify(selector));
  });
});

describe("listRequestParts", () => {
  it("uses flytectl's defaults: 100 rows, first page, newest first", () => {
    const parts = listRequestParts({});
    expect([parts.limit, parts.token, parts.filters]).toEqual([100, "", ""]);
    expect([parts.sortBy?.key, parts.sortBy?.direction]).toEqual(["created_at", 0]);
  });

  it("turns the page into admin's row offset and honours the sort flags", () => {
    const parts = listRequestParts({
      "filter.limit": 10,
      "filter.page": 3,
      "filter.sortBy": "name",
      "filter.asc": true,
      "filter.fieldSelector": "phase=RUNNING",
    });
    expect([parts.limit, parts.token, parts.filters]).toEqual([10, "20", "eq(phase,RUNNING)"]);
    expect([parts.sortBy?.key, parts.sortBy?.direction]).toEqual(["name", 1]);
  });
});
