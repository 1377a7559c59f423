import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { identifierFilters } from "./filters/filter-expression.js";
import { parseFilters } from "./filters/parse-filters.js";
import { parseSort } from "./filters/sort-parameter.js";
import { nextPageToken } from "./pagination.js";
import { taskRow, workflowRow } from "./rows.test-helper.js";
import { describeEachDialect } from "./test-databases.test-helper.js";

const key = { project: "admintests", domain: "development", name: "name_a", version: "123" };

describeEachDialect("TaskRepo", (db) => {
  it("registers a task version and reads it back by key and by row id", async () => {
    const { tasks } = db().repos;
    await tasks.create(taskRow({ closure: new Uint8Array([7, 7]) }));
    const row = await tasks.get(key);
    expect(row).toMatchObject({ ...key, type: "python-task", id: 1 });
    expect(new Uint8Array(row.closure)).toEqual(new Uint8Array([7, 7]));
    expect(await tasks.findById(row.id)).toEqual(row);
  });

  it("refuses an existing version with AlreadyExists and names a missing one like flyteadmin", async () => {
    const { tasks } = db().repos;
    await tasks.create(taskRow());
    await expect(tasks.create(taskRow({ digest: new Uint8Array([9]) }))).rejects.toMatchObject({
      code: Code.AlreadyExists,
    });
    await expect(
      tasks.get({ project: "potato", domain: "development", name: "task", version: "1234" }),
    ).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage:
        'missing entity of type TASK with identifier project:"potato" domain:"development" name:"task" version:"1234"',
    });
  });

  it("writes the description entity in the same transaction, or neither", async () => {
    const { tasks, descriptionEntities } = db().repos;
    const description = {
      resource_type: 1,
      ...key,
      short_description: "short",
      long_description: null,
      link: "https://x",
    };
    await tasks.create(taskRow(), description);
    expect(await descriptionEntities.get({ resourceType: 1, ...key })).toMatchObject({ short_description: "short" });
    // The description exists already, so this second task version must not be stored either.
    await expect(tasks.create(taskRow({ version: "456" }), { ...description, version: "123" })).rejects.toMatchObject({
      code: Code.AlreadyExists,
    });
    expect(await tasks.find({ ...key, version: "456" })).toBeUndefined();
  });

  it("lists versions with filters, sort and offset pages", async () => {
    const { tasks } = db().repos;
    for (const name of ["name_a", "name_b", "name_c"]) {
      for (const version of ["123", "456", "789"]) await tasks.create(taskRow({ name, version }));
    }
    const byName = [...identifierFilters("t", { project: "admintests", domain: "development", name: "name_a" })];
    const sort = parseSort({ key: "version", direction: 1 }, "t");
    const page1 = await tasks.list({ filters: byName, limit: 2, ...(sort ? { sort } : {}) });
    expect(page1.map((row) => row.version)).toEqual(["123", "456"]);
    expect(nextPageToken({ offset: 0, limit: 2, returned: page1.length })).toBe("2");
    const page2 = await tasks.list({ filters: byName, limit: 2, offset: 2, ...(sort ? { sort } : {}) });
    expect(page2.map((row) => row.version)).toEqual(["789"]);
    expect(nextPageToken({ offset: 2, limit: 2, returned: page2.length })).toBe("");

    const inDomain = [
      ...identifierFilters("t", { project: "admintests", domain: "development" }),
      ...parseFilters("eq(version,123)", "t"),
    ];
    expect((await tasks.list({ filters: inDomain, limit: 10 })).map((row) => row.name).sort()).toEqual([
      "name_a",
      "name_b",
      "name_c",
    ]);
    expect((await tasks.list({ limit: 20 })).map((row) => row.id)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it("lists distinct names, sorted by name or by their newest version's column", async () => {
    const { tasks } = db().repos;
    await tasks.create(taskRow({ name: "b", version: "1", created_at: "2024-01-01T00:00:00.000000Z" }));
    await tasks.create(taskRow({ name: "a", version: "1", created_at: "2024-01-02T00:00:00.000000Z" }));
    await tasks.create(taskRow({ name: "b", version: "2", created_at: "2024-01-03T00:00:00.000000Z" }));
    await tasks.create(taskRow({ name: "c", version: "1", domain: "production" }));
    const filters = identifierFilters("t", { project: "admintests", domain: "development" });
    expect(await tasks.listIdentifiers({ filters, limit: 10 })).toEqual([
      { project: "admintests", domain: "development", name: "a" },
      { project: "admintests", domain: "development", name: "b" },
    ]);
    const desc = parseSort({ key: "name", direction: 0 }, "t");
    expect(
      (await tasks.listIdentifiers({ filters, limit: 1, ...(desc ? { sort: desc } : {}) })).map((id) => id.name),
    ).toEqual(["b"]);
    expect(
      (await tasks.listIdentifiers({ filters, limit: 1, offset: 1, ...(desc ? { sort: desc } : {}) })).map(
        (id) => id.name,
      ),
    ).toEqual(["a"]);
    const newest = parseSort({ key: "created_at", direction: 0 }, "t");
    expect(
      (await tasks.listIdentifiers({ filters, limit: 10, ...(newest ? { sort: newest } : {}) })).map((id) => id.name),
    ).toEqual(["b", "a"]);
  });

  it("requires a positive limit", async () => {
    await expect(db().repos.tasks.list({ limit: 0 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "invalid value for limit",
    });
  });

  it("treats injection attempts in filter values as plain values", async () => {
    const { tasks } = db().repos;
    await tasks.create(taskRow({ name: "x');drop table tasks;--" }));
    for (const filters of [
      "eq(name,x');drop table tasks;--)",
      "value_in(name,a';delete from tasks where '1'='1;x');drop table tasks;--)",
      "contains(name,%' OR '1'='1)",
      'eq(name,"; DROP TABLE tasks; --)',
    ]) {
      await tasks.list({ filters: parseFilters(filters, "t"), limit: 10 });
    }
    const [row] = await tasks.list({ filters: parseFilters("eq(name,x');drop table tasks;--)", "t"), limit: 10 });
    expect(row?.name).toBe("x');drop table tasks;--");
    expect(await tasks.list({ limit: 10 })).toHaveLength(1);
  });

  it("matches LIKE patterns case-sensitively, as PostgreSQL does", async () => {
    const { tasks } = db().repos;
    await tasks.create(taskRow({ name: "Train_Model" }));
    await tasks.create(taskRow({ name: ".flytegen.train" }));
    expect(
      (await tasks.list({ filters: parseFilters("contains(name,Model)", "t"), limit: 10 })).map((r) => r.name),
    ).toEqual(["Train_Model"]);
    expect(await tasks.list({ filters: parseFilters("contains(name,model)", "t"), limit: 10 })).toEqual([]);
    expect(
      (await tasks.list({ filters: parseFilters("not_like(name,.flytegen%)", "t"), limit: 10 })).map((r) => r.name),
    ).toEqual(["Train_Model"]);
    expect(
      (await tasks.list({ filters: parseFilters("eq(name,名前)+eq(name,x)", "t"), limit: 10 })).map((r) => r.name),
    ).toEqual([]);
  });
});

describeEachDialect("WorkflowRepo", (db) => {
  it("registers, reads and lists workflow versions", async () => {
    const { workflows } = db().repos;
    await workflows.create(workflowRow());
    await workflows.create(workflowRow({ version: "456" }));
    await expect(workflows.create(workflowRow())).rejects.toMatchObject({ code: Code.AlreadyExists });
    expect(await workflows.get(key)).toMatchObject({ remote_closure_identifier: "s3://bucket/metadata/admin/wf" });
    await expect(workflows.get({ ...key, version: "0" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage:
        'missing entity of type WORKFLOW with identifier project:"admintests" domain:"development" name:"name_a" version:"0"',
    });
    const filters = parseFilters("eq(version,123)", "w");
    expect((await workflows.list({ filters, limit: 10 })).map((row) => row.version)).toEqual(["123"]);
    expect(await workflows.listIdentifiers({ limit: 10 })).toEqual([
      { project: "admintests", domain: "development", name: "name_a" },
    ]);
    expect((await workflows.findById(2))?.version).toBe("456");
  });
});

describeEachDialect("DescriptionEntityRepo", (db) => {
  it("stores, reads and lists descriptions", async () => {
    const { descriptionEntities } = db().repos;
    const row = { resource_type: 2, ...key, short_description: "s", long_description: new Uint8Array([1]), link: "" };
    await descriptionEntities.create(row);
    await expect(descriptionEntities.create(row)).rejects.toMatchObject({ code: Code.AlreadyExists });
    expect(await descriptionEntities.get({ resourceType: 2, ...key })).toMatchObject({ short_description: "s" });
    await expect(descriptionEntities.get({ resourceType: 1, ...key })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "entry not found",
    });
    const filters = [...identifierFilters("de", { project: "admintests", domain: "development", name: "name_a" })];
    expect(await descriptionEntities.list({ filters, limit: 10 })).toHaveLength(1);
  });
});
