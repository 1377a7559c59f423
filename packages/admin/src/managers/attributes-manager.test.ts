import { Code } from "@aloft/idl";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  ListMatchableAttributesRequestSchema,
  MatchableResource,
  type MatchingAttributes,
  type MatchingAttributesSchema,
  PluginOverride_MissingPluginBehavior,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import {
  ProjectAttributesDeleteRequestSchema,
  ProjectAttributesGetRequestSchema,
  ProjectAttributesUpdateRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/project_attributes_pb";
import {
  ProjectDomainAttributesDeleteRequestSchema,
  ProjectDomainAttributesGetRequestSchema,
  ProjectDomainAttributesUpdateRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/project_domain_attributes_pb";
import {
  WorkflowAttributesDeleteRequestSchema,
  WorkflowAttributesGetRequestSchema,
  WorkflowAttributesUpdateRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/workflow_attributes_pb";
import { InactiveProjectSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createRegistrationManagers,
  failure,
  registerProject,
  testContext as ctx,
  useTempBlobStore,
} from "./registration-harness.test-helper.js";

const blobStore = useTempBlobStore();

type AttributesInit = Exclude<MessageInitShape<typeof MatchingAttributesSchema>, MatchingAttributes>;

const taskResources = (cpu: string): AttributesInit => ({
  target: { case: "taskResourceAttributes", value: { defaults: { cpu }, limits: { cpu } } },
});

describeEachDialect("AttributesManager", (db) => {
  async function managers(config = {}) {
    const m = createRegistrationManagers(db(), blobStore(), config);
    await registerProject(m);
    return m;
  }

  const putProjectDomain = (m: Awaited<ReturnType<typeof managers>>, matchingAttributes: AttributesInit) =>
    m.attributes.updateProjectDomainAttributes(
      create(ProjectDomainAttributesUpdateRequestSchema, {
        attributes: { project: "admintests", domain: "development", matchingAttributes },
      }),
      ctx,
    );
  const getProjectDomain = (m: Awaited<ReturnType<typeof managers>>, resourceType: MatchableResource) =>
    m.attributes.getProjectDomainAttributes(
      create(ProjectDomainAttributesGetRequestSchema, { project: "admintests", domain: "development", resourceType }),
      ctx,
    );
  const getWorkflow = (m: Awaited<ReturnType<typeof managers>>, workflow: string) =>
    m.attributes.getWorkflowAttributes(
      create(WorkflowAttributesGetRequestSchema, {
        project: "admintests",
        domain: "development",
        workflow,
        resourceType: MatchableResource.TASK_RESOURCE,
      }),
      ctx,
    );

  describe("project-domain level", () => {
    it("upserts one row per type and lists it (TestUpdateClusterResourceAttributes)", async () => {
      const m = await managers();
      const cluster = (value: string): AttributesInit => ({
        target: { case: "clusterResourceAttributes", value: { attributes: { key: value } } },
      });
      await putProjectDomain(m, cluster("1"));
      const list = () =>
        m.attributes.listMatchableAttributes(
          create(ListMatchableAttributesRequestSchema, { resourceType: MatchableResource.CLUSTER_RESOURCE }),
          ctx,
        );
      expect((await list()).configurations).toHaveLength(1);
      await putProjectDomain(m, cluster("2"));
      const configurations = (await list()).configurations;
      expect(configurations).toHaveLength(1);
      expect(configurations[0]).toMatchObject({ project: "admintests", domain: "development", workflow: "" });
      expect(configurations[0]?.attributes?.target).toMatchObject({
        case: "clusterResourceAttributes",
        value: { attributes: { key: "2" } },
      });
      const got = await getProjectDomain(m, MatchableResource.CLUSTER_RESOURCE);
      expect(got.attributes?.matchingAttributes?.target.value).toMatchObject({ attributes: { key: "2" } });
    });

    it("replaces, falls back for workflows, deletes and then reports NOT_FOUND (TestUpdateProjectDomainAttributes)", async () => {
      const m = await managers();
      await putProjectDomain(m, taskResources("1"));
      await putProjectDomain(m, taskResources("2"));
      const got = await getProjectDomain(m, MatchableResource.TASK_RESOURCE);
      expect(got.attributes?.matchingAttributes?.target.value).toMatchObject({ defaults: { cpu: "2" } });
      const fallback = await getWorkflow(m, "unconfigured");
      expect(fallback.attributes).toMatchObject({ project: "admintests", domain: "development", workflow: "" });
      expect(fallback.attributes?.matchingAttributes?.target.value).toMatchObject({ defaults: { cpu: "2" } });
      await m.attributes.deleteProjectDomainAttributes(
        create(ProjectDomainAttributesDeleteRequestSchema, {
          project: "admintests",
          domain: "development",
          resourceType: MatchableResource.TASK_RESOURCE,
        }),
        ctx,
      );
      const error = await failure(() => getProjectDomain(m, MatchableResource.TASK_RESOURCE));
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(
        "Resource [{Project:admintests Domain:development Workflow: LaunchPlan: ResourceType:TASK_RESOURCE}] not found",
      );
    });

    it("merges plugin overrides by task type", async () => {
      const m = await managers();
      const overrides = (...entries: [string, string][]): AttributesInit => ({
        target: {
          case: "pluginOverrides",
          value: {
            overrides: entries.map(([taskType, plugin]) => ({
              taskType,
              pluginId: [plugin],
              missingPluginBehavior: PluginOverride_MissingPluginBehavior.FAIL,
            })),
          },
        },
      });
      await putProjectDomain(m, overrides(["python", "a"], ["spark", "b"]));
      await putProjectDomain(m, overrides(["spark", "c"], ["ray", "d"]));
      const got = await getProjectDomain(m, MatchableResource.PLUGIN_OVERRIDE);
      const target = got.attributes?.matchingAttributes?.target;
      expect(target?.case).toBe("pluginOverrides");
      const merged = target?.case === "pluginOverrides" ? target.value.overrides : [];
      expect(merged.map((o) => [o.taskType, o.pluginId])).toEqual([
        ["python", ["a"]],
        ["spark", ["c"]],
        ["ray", ["d"]],
      ]);
    });

    it("validates the request and the project-domain gate", async () => {
      const m = await managers();
      const missing = await failure(() =>
        m.attributes.updateProjectDomainAttributes(create(ProjectDomainAttributesUpdateRequestSchema), ctx),
      );
      expect(missing.rawMessage).toBe("missing attributes");
      const qos = await failure(() => putProjectDomain(m, { target: { case: "qualityOfService", value: {} } }));
      expect(qos.rawMessage).toBe("Unrecognized matching attributes type for request admintests-development");
      const none = await failure(() => putProjectDomain(m, {}));
      expect(none.rawMessage).toBe("Unrecognized matching attributes type for request admintests-development");
      await registerProject(m, "archived", 1);
      const archived = await failure(() =>
        m.attributes.updateProjectDomainAttributes(
          create(ProjectDomainAttributesUpdateRequestSchema, {
            attributes: { project: "archived", domain: "development", matchingAttributes: taskResources("1") },
          }),
          ctx,
        ),
      );
      expect(archived.details).toEqual([create(InactiveProjectSchema, { id: "archived" })]);
    });
  });

  describe("workflow level", () => {
    it("updates, reads and deletes workflow attributes (TestUpdateWorkflowAttributes)", async () => {
      const m = await managers();
      const put = (cpu: string) =>
        m.attributes.updateWorkflowAttributes(
          create(WorkflowAttributesUpdateRequestSchema, {
            attributes: {
              project: "admintests",
              domain: "development",
              workflow: "wf",
              matchingAttributes: taskResources(cpu),
            },
          }),
          ctx,
        );
      await put("1");
      await put("3");
      const got = await getWorkflow(m, "wf");
      expect(got.attributes).toMatchObject({ workflow: "wf" });
      expect(got.attributes?.matchingAttributes?.target.value).toMatchObject({ defaults: { cpu: "3" } });
      await m.attributes.deleteWorkflowAttributes(
        create(WorkflowAttributesDeleteRequestSchema, {
          project: "admintests",
          domain: "development",
          workflow: "wf",
          resourceType: MatchableResource.TASK_RESOURCE,
        }),
        ctx,
      );
      const error = await failure(() => getWorkflow(m, "wf"));
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(
        "Resource [{Project:admintests Domain:development Workflow:wf LaunchPlan: ResourceType:TASK_RESOURCE}] not found",
      );
      const unnamed = await failure(() => getWorkflow(m, ""));
      expect(unnamed.rawMessage).toBe("missing name");
    });
  });

  describe("project level", () => {
    it("stores project attributes and returns only the project-level row", async () => {
      const m = await managers();
      await m.attributes.updateProjectAttributes(
        create(ProjectAttributesUpdateRequestSchema, {
          attributes: { project: "admintests", matchingAttributes: taskResources("5") },
        }),
        ctx,
      );
      const got = await m.attributes.getProjectAttributes(
        create(ProjectAttributesGetRequestSchema, {
          project: "admintests",
          resourceType: MatchableResource.TASK_RESOURCE,
        }),
        ctx,
      );
      expect(got.attributes?.matchingAttributes?.target.value).toMatchObject({ defaults: { cpu: "5" } });
      // A project-domain read falls back to the project row too.
      expect((await getProjectDomain(m, MatchableResource.TASK_RESOURCE)).attributes?.project).toBe("admintests");
      await m.attributes.deleteProjectAttributes(
        create(ProjectAttributesDeleteRequestSchema, {
          project: "admintests",
          resourceType: MatchableResource.TASK_RESOURCE,
        }),
        ctx,
      );
      const error = await failure(() =>
        m.attributes.getProjectAttributes(
          create(ProjectAttributesGetRequestSchema, {
            project: "admintests",
            resourceType: MatchableResource.TASK_RESOURCE,
          }),
          ctx,
        ),
      );
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(
        "Resource [{Project:admintests Domain: Workflow: LaunchPlan: ResourceType:TASK_RESOURCE}] not found",
      );
    });

    it("merges WORKFLOW_EXECUTION_CONFIG with the platform defaults, or returns the defaults alone", async () => {
      const m = await managers({ application: { maxParallelism: 30, k8sServiceAccount: "default-sa" } });
      const get = () =>
        m.attributes.getProjectAttributes(
          create(ProjectAttributesGetRequestSchema, {
            project: "admintests",
            resourceType: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
          }),
          ctx,
        );
      const defaults = await get();
      expect(defaults.attributes?.project).toBe("admintests");
      expect(defaults.attributes?.matchingAttributes?.target.value).toMatchObject({
        maxParallelism: 30,
        securityContext: { runAs: { k8sServiceAccount: "default-sa" } },
      });
      await m.attributes.updateProjectAttributes(
        create(ProjectAttributesUpdateRequestSchema, {
          attributes: {
            project: "admintests",
            matchingAttributes: { target: { case: "workflowExecutionConfig", value: { maxParallelism: 4 } } },
          },
        }),
        ctx,
      );
      expect((await get()).attributes?.matchingAttributes?.target.value).toMatchObject({
        maxParallelism: 4,
        securityContext: { runAs: { k8sServiceAccount: "default-sa" } },
      });
    });

    it("reads attributes of archived projects but writes only for active ones", async () => {
      const m = await managers();
      await registerProject(m, "archived", 1);
      const write = await failure(() =>
        m.attributes.updateProjectAttributes(
          create(ProjectAttributesUpdateRequestSchema, {
            attributes: { project: "archived", matchingAttributes: taskResources("1") },
          }),
          ctx,
        ),
      );
      expect(write.rawMessage).toBe("project [archived] is not active");
      const read = await failure(() =>
        m.attributes.getProjectAttributes(
          create(ProjectAttributesGetRequestSchema, {
            project: "archived",
            resourceType: MatchableResource.TASK_RESOURCE,
          }),
          ctx,
        ),
      );
      expect(read.code).toBe(Code.NotFound);
      const unknown = await failure(() =>
        m.attributes.getProjectAttributes(create(ProjectAttributesGetRequestSchema, { project: "nope" }), ctx),
      );
      expect(unknown.rawMessage).toBe("failed to validate that project [nope] exists, err: [project [nope] not found]");
    });
  });

  it("rejects an unknown resource type when listing", async () => {
    const m = await managers();
    const error = await failure(() =>
      m.attributes.listMatchableAttributes(
        create(ListMatchableAttributesRequestSchema, { resourceType: 42 as MatchableResource }),
        ctx,
      ),
    );
    expect(error.rawMessage).toBe("invalid value for resource_type");
  });
});
