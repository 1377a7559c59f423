import { Code } from "@aloft/idl";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  GetDomainRequestSchema,
  ProjectGetRequestSchema,
  type ProjectListRequest,
  ProjectListRequestSchema,
  ProjectRegisterRequestSchema,
  type Project,
  ProjectSchema,
  Project_ProjectState,
} from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createRegistrationManagers,
  failure,
  testContext as ctx,
  useTempBlobStore,
} from "./registration-harness.test-helper.js";

const blobStore = useTempBlobStore();

describeEachDialect("ProjectManager", (db) => {
  const managers = () => createRegistrationManagers(db(), blobStore());
  type ProjectInit = Exclude<MessageInitShape<typeof ProjectSchema>, Project>;
  const register = (m: ReturnType<typeof managers>, project: ProjectInit) =>
    m.projects.registerProject(create(ProjectRegisterRequestSchema, { project: create(ProjectSchema, project) }), ctx);

  it("registers a project and lists it with the configured domains (TestCreateProject)", async () => {
    const m = managers();
    await register(m, { id: "admintests", name: "Admin Tests", description: "d", labels: { values: { team: "a" } } });
    const list = await m.projects.listProjects(create(ProjectListRequestSchema), ctx);
    expect(list.projects.map((p) => [p.id, p.name, p.description, p.labels?.values])).toEqual([
      ["admintests", "Admin Tests", "d", { team: "a" }],
    ]);
    expect(list.projects[0]?.domains.map((d) => d.id)).toEqual(["development", "staging", "production"]);
    expect(list.token).toBe("");
    const domains = await m.projects.getDomains(create(GetDomainRequestSchema), ctx);
    expect(domains.domains.map((d) => [d.id, d.name])).toEqual([
      ["development", "development"],
      ["staging", "staging"],
      ["production", "production"],
    ]);
  });

  it("rejects a duplicate id as ALREADY_EXISTS", async () => {
    const m = managers();
    await register(m, { id: "p", name: "p" });
    expect((await failure(() => register(m, { id: "p", name: "p" }))).code).toBe(Code.AlreadyExists);
  });

  it("validates ids, names, descriptions and domains with flyteadmin's messages", async () => {
    const m = managers();
    const cases: [Parameters<typeof register>[1] | undefined, string][] = [
      [undefined, "missing project"],
      [{ id: "p", name: "" }, "missing project_name"],
      [{ id: "", name: "n" }, "missing project_id"],
      [
        { id: "Bad_Id", name: "n" },
        "invalid project id [Bad_Id]: [a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]",
      ],
      [{ id: "p", name: "n".repeat(65) }, "project_name cannot exceed 64 characters"],
      [{ id: "p", name: "n", description: "d".repeat(301) }, "project_description cannot exceed 300 characters"],
      [
        { id: "p", name: "n", domains: [{ id: "x", name: "x" }] },
        "Domains are currently only set system wide. Please retry without domains included in your request.",
      ],
    ];
    for (const [project, message] of cases) {
      const error = await failure(() =>
        project === undefined
          ? m.projects.registerProject(create(ProjectRegisterRequestSchema), ctx)
          : register(m, project),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe(message);
    }
  });

  it("updates name and description and keeps labels when none are given (TestUpdateProjectDescription)", async () => {
    const m = managers();
    await register(m, { id: "p", name: "old", description: "old", labels: { values: { keep: "me" } } });
    await m.projects.updateProject(create(ProjectSchema, { id: "p", name: "new", description: "new" }), ctx);
    const project = await m.projects.getProject(create(ProjectGetRequestSchema, { id: "p" }), ctx);
    expect([project.name, project.description, project.labels?.values]).toEqual(["new", "new", { keep: "me" }]);
  });

  it("replaces labels and keeps the other fields when they are empty (TestUpdateProjectLabels)", async () => {
    const m = managers();
    await register(m, { id: "p", name: "name", description: "desc", labels: { values: { a: "1" } } });
    await m.projects.updateProject(create(ProjectSchema, { id: "p", labels: { values: { b: "2" } } }), ctx);
    const project = await m.projects.getProject(create(ProjectGetRequestSchema, { id: "p" }), ctx);
    expect([project.name, project.description, project.labels?.values]).toEqual(["name", "desc", { b: "2" }]);
  });

  it("rejects bad labels on update with the Kubernetes message (TestUpdateProjectLabels_BadLabels)", async () => {
    const m = managers();
    await register(m, { id: "p", name: "n" });
    const error = await failure(() =>
      m.projects.updateProject(create(ProjectSchema, { id: "p", labels: { values: { foo: "#bar" } } }), ctx),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(
      "invalid label value [#bar]: [a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]",
    );
  });

  it("answers NOT_FOUND for an unknown project on get and update", async () => {
    const m = managers();
    const get = await failure(() => m.projects.getProject(create(ProjectGetRequestSchema, { id: "nope" }), ctx));
    expect([get.code, get.rawMessage]).toEqual([Code.NotFound, "project [nope] not found"]);
    const update = await failure(() => m.projects.updateProject(create(ProjectSchema, { id: "nope" }), ctx));
    expect([update.code, update.rawMessage]).toEqual([Code.NotFound, "project [nope] not found"]);
    const empty = await failure(() => m.projects.getProject(create(ProjectGetRequestSchema), ctx));
    expect(empty.rawMessage).toBe("missing project_id");
  });

  it("hides archived projects unless filtered, sorts by identifier and pages", async () => {
    const m = managers();
    for (const id of ["c", "a", "b"]) await register(m, { id, name: id });
    await m.projects.updateProject(create(ProjectSchema, { id: "b", state: Project_ProjectState.ARCHIVED }), ctx);
    const ids = async (init: Exclude<MessageInitShape<typeof ProjectListRequestSchema>, ProjectListRequest> = {}) =>
      (await m.projects.listProjects(create(ProjectListRequestSchema, init), ctx)).projects.map((p) => p.id);
    expect(await ids()).toEqual(["a", "c"]);
    expect(await ids({ filters: "eq(state,1)" })).toEqual(["b"]);
    expect(await ids({ filters: "value_in(identifier,a;b)" })).toEqual(["a", "b"]);
    expect(await ids({ sortBy: { key: "identifier", direction: 0 } })).toEqual(["c", "a"]);
    const page = await m.projects.listProjects(create(ProjectListRequestSchema, { limit: 1 }), ctx);
    expect([page.projects.map((p) => p.id), page.token]).toEqual([["a"], "1"]);
    expect(await ids({ limit: 1, token: "1" })).toEqual(["c"]);
    const badToken = await failure(() =>
      m.projects.listProjects(create(ProjectListRequestSchema, { token: "z" }), ctx),
    );
    expect(badToken.rawMessage).toBe("invalid pagination token z for ListProjects");
  });
});
