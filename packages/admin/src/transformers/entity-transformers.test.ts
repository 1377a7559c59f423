import { create, fromBinary } from "@bufbuild/protobuf";
import { TaskClosureSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { ProjectSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { DescriptionEntitySchema } from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import { MatchableResource, MatchingAttributesSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { WorkflowAttributesSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_attributes_pb";
import { IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TypedInterfaceSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { describe, expect, it } from "vitest";
import { descriptionEntityFromRow, descriptionEntityToRow } from "./description-entity-transformer.js";
import { launchPlanFromRow, launchPlanToRow } from "./launch-plan-transformer.js";
import { projectFromRow, projectToChanges, projectToRow } from "./project-transformer.js";
import {
  matchableAttributesConfigurationFromRow,
  mergePluginOverrides,
  workflowAttributesFromRow,
  workflowAttributesToResource,
} from "./resource-transformer.js";
import { taskFromRow, taskToRow } from "./task-transformer.js";
import { workflowFromRow, workflowToRow } from "./workflow-transformer.js";
import { namedEntityFromRecord } from "./named-entity-transformer.js";
import { signalFromRow, signalToRow } from "./signal-transformer.js";
import { executionEventToRow } from "./event-transformer.js";
import { schedulableEntityToRow } from "./schedulable-entity-transformer.js";
import { WorkflowExecutionEventRequestSchema } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { ScheduleSchema } from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import { SignalIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralTypeSchema, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";

const times = { id: 7, created_at: "2024-05-01T12:00:00.000000Z", updated_at: "2024-05-02T12:00:00.000000Z" };
const taskId = create(IdentifierSchema, {
  resourceType: ResourceType.TASK,
  project: "p",
  domain: "d",
  name: "t",
  version: "v",
});

describe("entity transformers", () => {
  it("stores a task's closure, promotes its type and restores created_at from the row", () => {
    const closure = create(TaskClosureSchema, { compiledTask: { template: { id: taskId, type: "python-task" } } });
    const row = taskToRow({ id: taskId, closure, digest: new Uint8Array([1]), shortDescription: "does t" });
    expect(row).toMatchObject({
      project: "p",
      name: "t",
      version: "v",
      type: "python-task",
      short_description: "does t",
    });
    expect(fromBinary(TaskClosureSchema, row.closure).compiledTask?.template?.type).toBe("python-task");
    const task = taskFromRow({ ...row, ...times, digest: row.digest ?? null, short_description: "does t" });
    expect(task.id).toEqual(taskId);
    expect(task.closure?.createdAt?.seconds).toBe(1714564800n);
    expect(task.shortDescription).toBe("does t");
  });

  it("returns workflows in list form: interface only", () => {
    const id = create(IdentifierSchema, { ...taskId, resourceType: ResourceType.WORKFLOW });
    const typedInterface = create(TypedInterfaceSchema, { inputs: { variables: { foo: { description: "foo" } } } });
    const row = workflowToRow({ id, typedInterface, remoteClosureUri: "s3://c", digest: new Uint8Array() });
    const workflow = workflowFromRow({
      ...row,
      ...times,
      typed_interface: row.typed_interface ?? null,
      digest: null,
      short_description: "",
    });
    expect(workflow.id?.resourceType).toBe(ResourceType.WORKFLOW);
    expect(workflow.closure?.compiledWorkflow?.primary?.template?.interface?.inputs?.variables.foo?.description).toBe(
      "foo",
    );
  });

  it("promotes launch plan schedule types and takes state and times from the row", () => {
    const base = { id: { ...taskId, resourceType: ResourceType.LAUNCH_PLAN }, spec: {}, closure: {} };
    const row = (schedule: object | undefined) =>
      launchPlanToRow({
        launchPlan: create(LaunchPlanSchema, {
          ...base,
          spec: { entityMetadata: schedule === undefined ? {} : { schedule } },
        }),
        workflowRowId: 2,
        digest: new Uint8Array(),
        state: 0,
      });
    expect(row(undefined)).toMatchObject({ schedule_type: "NONE", launch_condition_type: null, workflow_id: 2 });
    expect(row({ ScheduleExpression: { case: "cronSchedule", value: { schedule: "@hourly" } } })).toMatchObject({
      schedule_type: "CRON",
      launch_condition_type: "SCHED",
    });
    expect(row({ ScheduleExpression: { case: "cronExpression", value: "0 * * * *" } }).schedule_type).toBe("CRON");
    expect(row({ ScheduleExpression: { case: "rate", value: { value: 5 } } }).schedule_type).toBe("RATE");
    const stored = row(undefined);
    const launchPlan = launchPlanFromRow({ ...stored, ...times, state: 1, digest: null, launch_condition_type: null });
    expect(launchPlan.closure).toMatchObject({ state: 1 });
    expect(launchPlan.closure?.updatedAt?.seconds).toBe(1714651200n);
  });

  it("stores project labels and applies flyteadmin's partial update rules", () => {
    const project = create(ProjectSchema, { id: "p", name: "P", labels: { values: { team: "ml" } }, state: 0 });
    const row = projectToRow(project);
    const back = projectFromRow({ ...row, ...times, labels: row.labels ?? null }, [
      { $typeName: "flyteidl.admin.Domain", id: "development", name: "development" },
    ]);
    expect(back.labels?.values).toEqual({ team: "ml" });
    expect(back.domains.map((domain) => domain.id)).toEqual(["development"]);
    expect(projectToChanges(create(ProjectSchema, { id: "p", state: 1 }))).toEqual({ state: 1 });
  });

  it("keeps description entities' long description and link", () => {
    const id = create(IdentifierSchema, { ...taskId });
    const row = descriptionEntityToRow(
      create(DescriptionEntitySchema, {
        shortDescription: "s",
        longDescription: { content: { case: "value", value: "long" } },
        sourceCode: { link: "https://git" },
      }),
      id,
    );
    const back = descriptionEntityFromRow({ ...row, ...times, long_description: row.long_description ?? null });
    expect(back).toMatchObject({
      shortDescription: "s",
      sourceCode: { link: "https://git" },
      id: { name: "t", resourceType: ResourceType.TASK },
    });
    expect(back.longDescription?.content).toEqual({ case: "value", value: "long" });
  });

  it("maps matchable attributes to resource rows and merges plugin overrides by task type", () => {
    const attributes = create(WorkflowAttributesSchema, {
      project: "p",
      domain: "d",
      workflow: "wf",
      matchingAttributes: { target: { case: "executionQueueAttributes", value: { tags: ["gpu"] } } },
    });
    const input = workflowAttributesToResource(attributes, MatchableResource.EXECUTION_QUEUE);
    expect(input).toMatchObject({ resourceType: "EXECUTION_QUEUE", priority: 100, workflow: "wf", launchPlan: "" });
    const row = {
      ...times,
      project: "p",
      domain: "d",
      workflow: "wf",
      launch_plan: "",
      resource_type: input.resourceType,
      priority: input.priority,
      attributes: input.attributes,
    };
    expect(workflowAttributesFromRow(row)).toMatchObject({
      workflow: "wf",
      matchingAttributes: { target: { case: "executionQueueAttributes" } },
    });
    expect(matchableAttributesConfigurationFromRow(row)).toMatchObject({
      project: "p",
      workflow: "wf",
      launchPlan: "",
    });

    const overrides = (...entries: [string, string][]) =>
      create(MatchingAttributesSchema, {
        target: {
          case: "pluginOverrides",
          value: { overrides: entries.map(([taskType, plugin]) => ({ taskType, pluginId: [plugin] })) },
        },
      });
    const merged = mergePluginOverrides(
      overrides(["spark", "a"], ["ray", "b"]),
      overrides(["spark", "c"], ["dask", "d"]),
    );
    expect(
      merged.target.case === "pluginOverrides" && merged.target.value.overrides.map((o) => [o.taskType, o.pluginId[0]]),
    ).toEqual([
      ["spark", "c"],
      ["ray", "b"],
      ["dask", "d"],
    ]);
  });

  it("maps named entities, signals, timeline events and schedules", () => {
    expect(
      namedEntityFromRecord({ resource_type: 2, project: "p", domain: "d", name: "wf", description: "x", state: 1 }),
    ).toMatchObject({ resourceType: 2, id: { project: "p", name: "wf" }, metadata: { description: "x", state: 1 } });

    const signalRow = signalToRow({
      id: create(SignalIdentifierSchema, {
        signalId: "approve",
        executionId: { project: "p", domain: "d", name: "e" },
      }),
      type: create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.BOOLEAN } }),
    });
    expect(signalRow).toMatchObject({ execution_name: "e", signal_id: "approve", value: null });
    const signal = signalFromRow({ ...signalRow, ...times, value: null });
    expect(signal).toMatchObject({
      id: { signalId: "approve", executionId: { name: "e" } },
      type: { type: { case: "simple" } },
    });
    expect(signal.value).toBeUndefined();

    const event = create(WorkflowExecutionEventRequestSchema, {
      requestId: "r1",
      event: { executionId: { project: "p", domain: "d", name: "e" }, phase: 3, occurredAt: { seconds: 1714564800n } },
    });
    expect(executionEventToRow(event)).toEqual({
      execution_project: "p",
      execution_domain: "d",
      execution_name: "e",
      phase: "SUCCEEDING",
      request_id: "r1",
      occurred_at: "2024-05-01T12:00:00.000000Z",
    });

    const key = { project: "p", domain: "d", name: "lp", version: "v" };
    expect(
      schedulableEntityToRow(
        key,
        create(ScheduleSchema, { ScheduleExpression: { case: "rate", value: { value: 5, unit: 1 } } }),
      ),
    ).toMatchObject({ fixed_rate_value: 5, unit: 1, cron_expression: "", active: true });
    expect(
      schedulableEntityToRow(
        key,
        create(ScheduleSchema, {
          ScheduleExpression: { case: "cronSchedule", value: { schedule: "0 * * * *" } },
          kickoffTimeInputArg: "t",
        }),
      ),
    ).toMatchObject({ cron_expression: "0 * * * *", kickoff_time_input_arg: "t" });
  });
});
