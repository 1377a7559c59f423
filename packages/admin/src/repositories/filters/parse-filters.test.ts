import { Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { fieldFilter, hasFilterOnField, identifierFilters } from "./filter-expression.js";
import { parseFilters } from "./parse-filters.js";
import { parseSort } from "./sort-parameter.js";

function invalid(rawMessage: string) {
  return expect.objectContaining({ code: Code.InvalidArgument, rawMessage });
}

describe("parseFilters", () => {
  it("parses every function of flyteadmin's grammar", () => {
    const filters = parseFilters(
      "eq(phase,RUNNING)+ne(phase,FAILED)+gt(mode,0)+gte(mode,1)+lt(mode,3)+lte(mode,2)+contains(user,bob)+not_like(cluster,prod%)+value_in(phase,RUNNING;QUEUED)+value_not_in(error_kind,USER)",
      "e",
    );
    expect(filters.map((filter) => [filter.fn, filter.entity, filter.column, filter.values])).toEqual([
      ["eq", "e", "phase", ["RUNNING"]],
      ["ne", "e", "phase", ["FAILED"]],
      ["gt", "e", "mode", [0]],
      ["gte", "e", "mode", [1]],
      ["lt", "e", "mode", [3]],
      ["lte", "e", "mode", [2]],
      ["contains", "e", "user", ["bob"]],
      ["not_like", "e", "cluster", ["prod%"]],
      ["value_in", "e", "phase", ["RUNNING", "QUEUED"]],
      ["value_not_in", "e", "error_kind", ["USER"]],
    ]);
  });

  it("allows one blank after the comma, as flyteadmin's pattern does", () => {
    expect(parseFilters("eq(phase, RUNNING)", "e")[0]?.values).toEqual(["RUNNING"]);
    expect(parseFilters("eq(phase,  RUNNING)", "e")[0]?.values).toEqual([" RUNNING"]);
  });

  it("returns nothing for an empty string", () => {
    expect(parseFilters("", "e")).toEqual([]);
  });

  it("resolves entity prefixes to joined tables when the list allows the join", () => {
    const filters = parseFilters(
      "eq(launch_plan.name,lp)+eq(workflow.domain,d)+eq(task.name,t)+value_in(execution_tag.key,k1;k2)+eq(execution.phase,RUNNING)",
      "e",
    );
    expect(filters.map((filter) => `${filter.entity}.${filter.column}`)).toEqual([
      "l.name",
      "w.domain",
      "t.name",
      "et.key",
      "e.phase",
    ]);
  });

  it("applies flyteadmin's field rewrites", () => {
    expect(parseFilters("eq(admin_tag.name,k)", "e")[0]).toMatchObject({ entity: "et", column: "key", field: "name" });
    expect(parseFilters("eq(project,p)", "te")[0]).toMatchObject({ entity: "te", column: "execution_project" });
    expect(parseFilters("eq(task.project,p)", "te")[0]).toMatchObject({ entity: "t", column: "project" });
    expect(parseFilters("eq(state,1)", "nen")[0]).toMatchObject({ entity: "nem", column: "state", coalesceDefault: 0 });
    expect(parseFilters("eq(named_entity_metadata.state,0)", "nen")[0]).toMatchObject({
      entity: "nem",
      coalesceDefault: 0,
    });
    expect(parseFilters("contains(description,x)", "nen")[0]).toMatchObject({ entity: "nem", column: "description" });
  });

  it("reads duration values as seconds or Go durations, compared in nanoseconds", () => {
    expect(parseFilters("gt(duration,1.5)", "e")[0]?.values).toEqual([1_500_000_000]);
    expect(parseFilters("lt(duration,1h2m)", "te")[0]?.values).toEqual([3_720_000_000_000]);
    expect(parseFilters("value_in(duration,10;250ms)", "ne")[0]?.values).toEqual([10_000_000_000, 250_000_000]);
    expect(() => parseFilters("gt(duration,soon)", "e")).toThrow(invalid("Failed to parse duration [soon]"));
  });

  it("reads time values as RFC 3339 and binds them as UTC ('+' separates expressions, so no + offsets)", () => {
    expect(parseFilters("gte(execution_created_at,2024-05-01T10:00:00-02:00)", "e")[0]?.values).toEqual([
      "2024-05-01T12:00:00.000000Z",
    ]);
    expect(() => parseFilters("gte(created_at,last week)", "e")).toThrow(
      invalid("Timestamp last week must conform to RFC3339 Nano spec"),
    );
  });

  it("rejects malformed expressions with 'invalid value for filters'", () => {
    for (const filters of [
      "phase=RUNNING",
      "eq(phase)",
      "eq(,x)",
      "eq(phase,)",
      "eq(phase,RUNNING)+",
      "+eq(phase,a)",
    ]) {
      expect(() => parseFilters(filters, "e"), filters).toThrow(invalid("invalid value for filters"));
    }
  });

  it("rejects unknown functions", () => {
    expect(() => parseFilters("like(phase,RUNNING)", "e")).toThrow(invalid("unrecognized filter function: like"));
  });

  it("rejects entities the list may not join, naming the entity by its code", () => {
    expect(() => parseFilters("eq(workflow.name,x)", "t")).toThrow(invalid("'w' entity is not allowed in filters"));
    expect(() => parseFilters("eq(execution_admin_tag.name,x)", "e")).toThrow(
      invalid("'eat' entity is not allowed in filters"),
    );
    expect(() => parseFilters("eq(project.name,x)", "e")).toThrow(invalid("'p' entity is not allowed in filters"));
  });

  it("accepts only real, non-binary columns", () => {
    expect(() => parseFilters("eq(project,p)", "e")).toThrow(invalid("'e.project' is invalid filter"));
    expect(() => parseFilters("eq(closure,x)", "e")).toThrow(invalid("'e.closure' is invalid filter"));
    expect(() => parseFilters("eq(workflow.nope,x)", "e")).toThrow(invalid("'w.nope' is invalid filter"));
    expect(() => parseFilters("eq(deleted_at,x)", "t")).toThrow(invalid("'t.deleted_at' is invalid filter"));
  });

  it("rejects injection attempts in field names and keeps injection attempts in values as plain values", () => {
    expect(() => parseFilters("eq(name;drop,1)", "t")).toThrow(invalid("'t.name;drop' is invalid filter"));
    expect(() => parseFilters('eq(name" OR 1=1 --,x)', "t")).toThrow(invalid(`'t.name" OR 1=1 --' is invalid filter`));
    // Greedy like Go's pattern: the function runs to the last "(", so the field is "1=1".
    expect(() => parseFilters("eq(name) or (1=1,x)", "t")).toThrow(invalid("'t.1=1' is invalid filter"));
    const [filter] = parseFilters("eq(name,x');drop table tasks;--)", "t");
    expect(filter).toMatchObject({ column: "name", values: ["x');drop table tasks;--"] });
    expect(parseFilters("eq(name,ünïcødé 名前 'quoted' \"double\")", "t")[0]?.values).toEqual([
      "ünïcødé 名前 'quoted' \"double\"",
    ]);
  });

  it("checks integer values", () => {
    expect(() => parseFilters("eq(state,ACTIVE)", "e")).toThrow(
      invalid("invalid value 'ACTIVE' for integer field 'e.state'"),
    );
    expect(() => parseFilters("eq(mode,1 or 1=1)", "e")).toThrow(
      invalid("invalid value '1 or 1=1' for integer field 'e.mode'"),
    );
  });

  it("refuses pattern functions on columns that are not text", () => {
    expect(() => parseFilters("contains(state,1)", "e")).toThrow(
      invalid("filter function 'contains' cannot be applied to non-text field 'e.state'"),
    );
  });
});

describe("server-side filters", () => {
  it("builds identifier filters with the execution-scoped rewrite", () => {
    expect(identifierFilters("e", { project: "p", domain: "d", name: "" }).map((filter) => filter.column)).toEqual([
      "execution_project",
      "execution_domain",
    ]);
    expect(identifierFilters("t", { project: "p", domain: "d", name: "n" }).map((filter) => filter.column)).toEqual([
      "project",
      "domain",
      "name",
    ]);
  });

  it("reports whether a field is filtered, whatever its entity", () => {
    const filters = parseFilters("eq(launch_plan.state,1)", "e");
    expect(hasFilterOnField(filters, "state")).toBe(true);
    expect(hasFilterOnField(filters, "phase")).toBe(false);
  });

  it("refuses columns that do not exist as an internal error", () => {
    expect(() => fieldFilter({ entity: "e", fn: "eq", field: "nope", value: "x" })).toThrow(
      expect.objectContaining({ code: Code.Internal, rawMessage: "'e.nope' is not a filterable column" }),
    );
  });
});

describe("parseSort", () => {
  it("checks the key against the listed table and defaults to descending", () => {
    expect(parseSort({ key: "created_at", direction: 0 }, "e")).toEqual({
      entity: "e",
      column: "created_at",
      direction: "desc",
    });
    expect(parseSort({ key: "name", direction: 1 }, "nen")).toEqual({
      entity: "nen",
      column: "name",
      direction: "asc",
    });
    expect(parseSort({ key: "state", direction: 1 }, "nen")).toEqual({
      entity: "nem",
      column: "state",
      direction: "asc",
      coalesceDefault: 0,
    });
    expect(parseSort(undefined, "e")).toBeUndefined();
  });

  it("rejects unknown and binary keys and unknown directions", () => {
    expect(() => parseSort({ key: "launch_plan.name", direction: 0 }, "e")).toThrow(
      invalid("invalid sort key 'launch_plan.name'"),
    );
    expect(() => parseSort({ key: "closure", direction: 0 }, "e")).toThrow(invalid("invalid sort key 'closure'"));
    expect(() => parseSort({ key: "id; drop table tasks", direction: 0 }, "t")).toThrow(
      invalid("invalid sort key 'id; drop table tasks'"),
    );
    expect(() => parseSort({ key: "name", direction: 7 }, "t")).toThrow(
      invalid('invalid sort order specified: key:"name" direction:7'),
    );
  });
});
