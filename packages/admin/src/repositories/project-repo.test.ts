import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { parseFilters } from "./filters/parse-filters.js";
import { parseSort } from "./filters/sort-parameter.js";
import { describeEachDialect } from "./test-databases.test-helper.js";

const project = (identifier: string, state = 0) => ({
  identifier,
  name: identifier,
  description: "",
  labels: null,
  state,
});

describeEachDialect("ProjectRepo", (db) => {
  it("registers a project and reads it back", async () => {
    const { projects } = db().repos;
    await projects.create({ ...project("flytesnacks"), labels: new Uint8Array([10, 0]) });
    const row = await projects.get("flytesnacks");
    expect(row).toMatchObject({ identifier: "flytesnacks", name: "flytesnacks", state: 0 });
    expect(new Uint8Array(row.labels ?? [])).toEqual(new Uint8Array([10, 0]));
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(await projects.find("nope")).toBeUndefined();
  });

  it("refuses a taken identifier with AlreadyExists and a missing one with NotFound", async () => {
    const { projects } = db().repos;
    await projects.create(project("p"));
    await expect(projects.create(project("p"))).rejects.toMatchObject({
      code: Code.AlreadyExists,
      rawMessage: expect.stringMatching(/^value with matching already exists \(/),
    });
    await expect(projects.get("missing")).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "project [missing] not found",
    });
  });

  it("lists projects by identifier, hiding archived ones unless filters are given", async () => {
    const { projects } = db().repos;
    for (const [id, state] of [
      ["c", 0],
      ["a", 0],
      ["b", 1],
      ["d", 2],
    ] as const)
      await projects.create(project(id, state));
    expect((await projects.list({ limit: 0 })).map((row) => row.identifier)).toEqual(["a", "c", "d"]);
    expect(
      (await projects.list({ limit: 0, filters: parseFilters("eq(state,1)", "p") })).map((r) => r.identifier),
    ).toEqual(["b"]);
    expect(
      (await projects.list({ limit: 0, filters: parseFilters("value_in(identifier,a;b;zz)", "p") })).map(
        (r) => r.identifier,
      ),
    ).toEqual(["a", "b"]);
    expect((await projects.list({ limit: 2, offset: 1 })).map((row) => row.identifier)).toEqual(["c", "d"]);
    expect((await projects.list({ limit: 0, offset: 2 })).map((row) => row.identifier)).toEqual(["d"]);
    const sort = parseSort({ key: "identifier", direction: 0 }, "p");
    expect((await projects.list({ limit: 0, ...(sort ? { sort } : {}) })).map((row) => row.identifier)).toEqual([
      "d",
      "c",
      "a",
    ]);
  });

  it("updates only the given columns and refuses unknown projects", async () => {
    const { projects } = db().repos;
    await projects.create({ ...project("p"), description: "old" });
    await projects.update("p", { state: 1 });
    expect(await projects.get("p")).toMatchObject({ state: 1, description: "old", name: "p" });
    await expect(projects.update("q", { state: 1 })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "project [q] not found",
    });
  });

  it("commits a transaction's writes together and rolls all of them back on error", async () => {
    const { repos } = db();
    await repos.withTransaction(async (tx) => {
      await tx.projects.create(project("one"));
      await tx.projects.create(project("two"));
    });
    await expect(
      repos.withTransaction(async (tx) => {
        await tx.projects.create(project("three"));
        await tx.projects.create(project("one"));
      }),
    ).rejects.toMatchObject({ code: Code.AlreadyExists });
    await expect(
      repos.withTransaction(async (tx) => {
        await tx.projects.create(project("four"));
        throw new Error("boom");
      }),
    ).rejects.toMatchObject({ code: Code.Internal, rawMessage: "unexpected error type for: boom" });
    expect((await repos.projects.list({ limit: 0 })).map((row) => row.identifier)).toEqual(["one", "two"]);
  });

  it("joins an outer transaction instead of nesting", async () => {
    const { repos } = db();
    await expect(
      repos.withTransaction(async (tx) => {
        await tx.withTransaction((inner) => inner.projects.create(project("inner")));
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await repos.projects.find("inner")).toBeUndefined();
  });
});
