import { create, toBinary } from "@bufbuild/protobuf";
import { ExecutionSpecSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import {
  MatchableResource,
  type MatchingAttributes,
  MatchingAttributesSchema,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { expect, it } from "vitest";
import { compileAdminConfig } from "../config/admin-config.js";
import { ResourcePriority } from "../repositories/resource-repo.js";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  applicationWorkflowExecutionConfig,
  findMatchableAttributes,
  resolveTaskResources,
  resolveWorkflowExecutionConfig,
} from "./resolve-attributes.js";

const application = compileAdminConfig({}, { homeDir: "/nonexistent" }).application;

function wec(init: object): MatchingAttributes {
  return create(MatchingAttributesSchema, { target: { case: "workflowExecutionConfig", value: init } });
}

describeEachDialect("resolve-attributes", (db) => {
  const put = (level: { project: string; domain?: string; workflow?: string }, attributes: MatchingAttributes) =>
    db().repos.resources.createOrUpdate({
      project: level.project,
      domain: level.domain ?? "",
      workflow: level.workflow ?? "",
      launchPlan: "",
      resourceType:
        MatchableResource[
          attributes.target.case === "taskResourceAttributes"
            ? MatchableResource.TASK_RESOURCE
            : MatchableResource.WORKFLOW_EXECUTION_CONFIG
        ],
      priority:
        level.workflow !== undefined
          ? ResourcePriority.Workflow
          : level.domain !== undefined
            ? ResourcePriority.ProjectDomain
            : ResourcePriority.Project,
      attributes: toBinary(MatchingAttributesSchema, attributes),
    });

  it("finds the most specific row and treats no row as none", async () => {
    const query = {
      resourceType: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
      project: "p",
      domain: "d",
      workflow: "wf",
    };
    expect(await findMatchableAttributes(db().repos.resources, query)).toBeUndefined();
    await put({ project: "p" }, wec({ maxParallelism: 5 }));
    await put({ project: "p", domain: "d" }, wec({ maxParallelism: 10 }));
    const found = await findMatchableAttributes(db().repos.resources, query);
    expect(found).toMatchObject({ project: "p", domain: "d", workflow: "" });
    expect(found?.attributes.target.value).toMatchObject({ maxParallelism: 10 });
  });

  it("uses TASK_RESOURCE attributes as a whole, else the configured task resources", async () => {
    const configured = { defaults: { cpu: "2", memory: "200Mi" }, limits: { cpu: "2", memory: "1Gi", gpu: "1" } };
    expect(await resolveTaskResources(db().repos.resources, { project: "p", domain: "d", configured })).toEqual(
      configured,
    );
    await put(
      { project: "p", domain: "d" },
      create(MatchingAttributesSchema, {
        target: { case: "taskResourceAttributes", value: { defaults: { cpu: "1" }, limits: { memory: "3Gi" } } },
      }),
    );
    expect(await resolveTaskResources(db().repos.resources, { project: "p", domain: "d", configured })).toEqual({
      defaults: { cpu: "1" },
      limits: { memory: "3Gi" },
    });
  });

  it("merges the execution config field by field: request, launch plan, attributes, project, application", async () => {
    await put({ project: "p", domain: "d", workflow: "wf" }, wec({ annotations: { values: { from: "workflow" } } }));
    await put(
      { project: "p" },
      wec({ labels: { values: { from: "project" } }, rawOutputDataConfig: { outputLocationPrefix: "s3://project" } }),
    );
    const launchPlan = create(LaunchPlanSchema, {
      spec: {
        workflowId: { name: "wf" },
        maxParallelism: 7,
        labels: { values: { from: "launch-plan" } },
        securityContext: { runAs: { k8sServiceAccount: "lp-sa" } },
      },
    });
    const requestSpec = create(ExecutionSpecSchema, { interruptible: true, securityContext: { runAs: {} } });
    const config = await resolveWorkflowExecutionConfig(db().repos.resources, {
      project: "p",
      domain: "d",
      requestSpec,
      launchPlan,
      application,
      executionIdentity: "alice",
    });
    expect(config.maxParallelism).toBe(7);
    expect(config.interruptible).toBe(true);
    expect(config.labels?.values).toEqual({ from: "launch-plan" });
    expect(config.annotations?.values).toEqual({ from: "workflow" });
    expect(config.rawOutputDataConfig?.outputLocationPrefix).toBe("s3://project");
    expect(config.securityContext?.runAs).toMatchObject({ k8sServiceAccount: "lp-sa", executionIdentity: "alice" });
  });

  it("falls back to the legacy auth role and then to the application defaults", async () => {
    const launchPlan = create(LaunchPlanSchema, { spec: { role: "arn:aws:iam::role/x" } });
    const config = await resolveWorkflowExecutionConfig(db().repos.resources, {
      project: "p",
      domain: "d",
      requestSpec: create(ExecutionSpecSchema),
      launchPlan,
      application,
      executionIdentity: "bob",
    });
    expect(config.maxParallelism).toBe(25);
    expect(config.interruptible).toBeUndefined();
    expect(config.securityContext?.runAs).toMatchObject({ iamRole: "arn:aws:iam::role/x", executionIdentity: "bob" });
  });

  it("renders the application defaults as a workflow execution config without envs", () => {
    const custom = compileAdminConfig(
      { application: { maxParallelism: 3, k8sServiceAccount: "sa", envs: { A: "1" }, interruptible: true } },
      { homeDir: "/nonexistent" },
    ).application;
    const config = applicationWorkflowExecutionConfig(custom);
    expect(config.maxParallelism).toBe(3);
    expect(config.interruptible).toBe(true);
    expect(config.securityContext?.runAs?.k8sServiceAccount).toBe("sa");
    expect(config.envs).toBeUndefined();
    expect(applicationWorkflowExecutionConfig(application).securityContext).toBeUndefined();
  });
});
