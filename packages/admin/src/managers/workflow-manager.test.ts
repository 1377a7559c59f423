import { Code } from "@aloft/idl";
import { readProto } from "@aloft/storage";
import { clone, create } from "@bufbuild/protobuf";
import { BindingDataSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { NodeSchema, WorkflowNodeSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import {
  NamedEntityIdentifierListRequestSchema,
  ObjectGetRequestSchema,
  ResourceListRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { CreateWorkflowFailureReasonSchema, WorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createRegistrationManagers,
  failure,
  registerProject,
  testContext as ctx,
  useTempBlobStore,
} from "./registration-harness.test-helper.js";
import { launchPlanRequest, taskRequest, workflowRequest } from "./registration-requests.test-helper.js";

const blobStore = useTempBlobStore();

describeEachDialect("WorkflowManager", (db) => {
  const managers = (config = {}) => createRegistrationManagers(db(), blobStore(), config);

  async function withTask(config = {}) {
    const m = managers(config);
    await registerProject(m);
    await m.tasks.createTask(taskRequest(), ctx);
    return m;
  }

  describe("createWorkflow", () => {
    it("compiles against the registered task and writes the closure to the blob store (TestCreateWorkflow)", async () => {
      const m = await withTask();
      await m.workflows.createWorkflow(workflowRequest(), ctx);
      const row = await db().repos.workflows.get({
        project: "admintests",
        domain: "development",
        name: "workflow",
        version: "123",
      });
      expect(row.remote_closure_identifier).toBe("s3://bucket/metadata/admin/admintests/development/workflow/123");
      const stored = await readProto(blobStore(), row.remote_closure_identifier, WorkflowClosureSchema);
      expect(stored.compiledWorkflow?.primary?.template?.nodes.map((n) => n.id).sort()).toEqual([
        "end-node",
        "n0",
        "start-node",
      ]);
      expect(stored.compiledWorkflow?.tasks.map((t) => t.template?.id?.name)).toEqual(["task"]);

      const workflow = await m.workflows.getWorkflow(create(ObjectGetRequestSchema, { id: workflowRequest().id }), ctx);
      expect(workflow.id).toEqual(workflowRequest().id);
      expect(workflow.closure?.compiledWorkflow?.primary?.template?.id).toEqual(workflowRequest().id);
      expect(workflow.closure?.createdAt).toBeDefined();
    });

    it("fails with the missing task's identifier when a referenced task version is not registered", async () => {
      const m = await withTask();
      const error = await failure(() => m.workflows.createWorkflow(workflowRequest({}, { version: "999" }), ctx));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe(
        'failed to compile workflow for [resource_type:WORKFLOW project:"admintests" domain:"development" name:"workflow" version:"123"] with err: missing entity of type TASK with identifier project:"admintests" domain:"development" name:"task" version:"999"',
      );
    });

    it("reports compiler errors with flyteadmin's wording", async () => {
      const m = await withTask();
      const request = workflowRequest();
      request.spec!.template!.outputs[0]!.binding = create(BindingDataSchema, {
        value: { case: "promise", value: { nodeId: "n0", var: "nope" } },
      });
      const error = await failure(() => m.workflows.createWorkflow(request, ctx));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toMatch(
        /^failed to compile workflow for \[.*\] with err: Collected Errors: \d+\n\tError 0: Code: /,
      );
    });

    it("answers ALREADY_EXISTS with exists_identical_structure for an identical re-registration", async () => {
      const m = await withTask();
      await m.workflows.createWorkflow(workflowRequest(), ctx);
      const error = await failure(() => m.workflows.createWorkflow(workflowRequest(), ctx));
      expect(error.code).toBe(Code.AlreadyExists);
      expect(error.rawMessage).toBe("workflow with identical structure already exists");
      expect(error.details).toEqual([
        create(CreateWorkflowFailureReasonSchema, {
          reason: { case: "existsIdenticalStructure", value: { id: workflowRequest().id } },
        }),
      ]);
    });

    it("answers INVALID_ARGUMENT with exists_different_structure and a diff for a changed workflow", async () => {
      const m = await withTask();
      await m.workflows.createWorkflow(workflowRequest(), ctx);
      const changed = workflowRequest();
      changed.spec!.template!.nodes[0]!.metadata!.name = "renamed";
      const error = await failure(() => m.workflows.createWorkflow(changed, ctx));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toMatch(
        /^workflow workflow with different structure already exists\. \(Please register a new version of the workflow\):\n/,
      );
      expect(error.rawMessage).toContain("/metadata/name:\n\t- n0 \n\t+ renamed");
      expect(error.details).toEqual([
        create(CreateWorkflowFailureReasonSchema, {
          reason: { case: "existsDifferentStructure", value: { id: changed.id } },
        }),
      ]);
    });

    it("enforces the registration node limit", async () => {
      const m = await withTask({ registration: { maxWorkflowNodes: 0 } });
      await m.workflows.createWorkflow(workflowRequest({ name: "unlimited" }), ctx);
      const limited = managers({ registration: { maxWorkflowNodes: 1 } });
      const request = workflowRequest({ name: "two-nodes" });
      const node = request.spec!.template!.nodes[0]!;
      request.spec!.template!.nodes.push({ ...clone(NodeSchema, node), id: "n1" });
      const error = await failure(() => limited.workflows.createWorkflow(request, ctx));
      expect(error.rawMessage).toMatch(
        /^number of nodes in workflow \[.*name:"two-nodes".*\] exceeds limit \(2 > 1\)$/,
      );
    });

    it("enforces the registration size limit", async () => {
      const m = await withTask({ registration: { workflowSizeLimit: 10 } });
      const error = await failure(() => m.workflows.createWorkflow(workflowRequest(), ctx));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe("Workflow closure size exceeds max limit [10 bytes]");
    });

    it("compiles launch plan nodes against the launch plan's expected interface", async () => {
      const m = await withTask();
      await m.workflows.createWorkflow(workflowRequest(), ctx);
      await m.launchPlans.createLaunchPlan(launchPlanRequest(), ctx);
      const parent = workflowRequest({ name: "parent" });
      parent.spec!.template!.nodes[0]!.target = {
        case: "workflowNode",
        value: create(WorkflowNodeSchema, { reference: { case: "launchplanRef", value: launchPlanRequest().id! } }),
      };
      await m.workflows.createWorkflow(parent, ctx);
      const missing = workflowRequest({ name: "parent2" });
      missing.spec!.template!.nodes[0]!.target = {
        case: "workflowNode",
        value: create(WorkflowNodeSchema, {
          reference: { case: "launchplanRef", value: { ...launchPlanRequest().id!, version: "0" } },
        }),
      };
      const error = await failure(() => m.workflows.createWorkflow(missing, ctx));
      expect(error.rawMessage).toMatch(/with err: missing entity of type LAUNCH_PLAN with identifier .*version:"0"$/);
    });
  });

  describe("reads", () => {
    async function seed() {
      const m = await withTask();
      for (const version of ["456", "789"]) await m.tasks.createTask(taskRequest({ version }), ctx);
      for (const name of ["name_a", "name_b"]) {
        for (const version of ["123", "456", "789"]) {
          await m.workflows.createWorkflow(workflowRequest({ name, version }), ctx);
        }
      }
      return m;
    }

    it("lists versions with their interface only, paged and filtered (TestGetWorkflows)", async () => {
      const m = await seed();
      const list = (token = "", limit = 3, filters = "") =>
        m.workflows.listWorkflows(
          create(ResourceListRequestSchema, {
            id: { project: "admintests", domain: "development", name: "name_a" },
            limit,
            token,
            filters,
            sortBy: { key: "version", direction: 1 },
          }),
          ctx,
        );
      const all = await list();
      expect(all.workflows.map((w) => w.id?.version)).toEqual(["123", "456", "789"]);
      expect(
        Object.keys(all.workflows[0]?.closure?.compiledWorkflow?.primary?.template?.interface?.inputs?.variables ?? {}),
      ).toEqual(["foo"]);
      expect(all.workflows[0]?.closure?.compiledWorkflow?.primary?.template?.nodes).toEqual([]);
      const page = await list("", 2);
      expect(page.token).toBe("2");
      expect((await list("2", 2)).workflows).toHaveLength(1);
      const filtered = await list("", 10, "eq(version,123)");
      expect(filtered.workflows.map((w) => w.id?.version)).toEqual(["123"]);
    });

    it("lists distinct workflow names", async () => {
      const m = await seed();
      const ids = await m.workflows.listWorkflowIds(
        create(NamedEntityIdentifierListRequestSchema, { project: "admintests", domain: "development", limit: 10 }),
        ctx,
      );
      expect(ids.entities.map((e) => e.name)).toEqual(["name_a", "name_b"]);
      const error = await failure(() =>
        m.workflows.listWorkflowIds(
          create(NamedEntityIdentifierListRequestSchema, {
            project: "admintests",
            domain: "development",
            limit: 1,
            token: "-1",
          }),
          ctx,
        ),
      );
      expect(error.rawMessage).toBe("invalid pagination token -1 for ListWorkflowIdentifiers");
    });

    it("validates the identifier and reports a missing workflow as NOT_FOUND", async () => {
      const m = managers();
      const missingVersion = await failure(() =>
        m.workflows.getWorkflow(create(ObjectGetRequestSchema, { id: { ...workflowRequest().id!, version: "" } }), ctx),
      );
      expect(missingVersion.rawMessage).toBe("missing version");
      const missing = await failure(() =>
        m.workflows.getWorkflow(create(ObjectGetRequestSchema, { id: workflowRequest().id }), ctx),
      );
      expect(missing.code).toBe(Code.NotFound);
      expect(missing.rawMessage).toBe(
        'missing entity of type WORKFLOW with identifier project:"admintests" domain:"development" name:"workflow" version:"123"',
      );
    });
  });
});
