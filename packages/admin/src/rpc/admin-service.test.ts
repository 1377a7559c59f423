import { create, type Message } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { DescriptionEntitySchema } from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import { LaunchPlanSchema, LaunchPlanUpdateResponseSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { NodeExecutionListSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import {
  TaskExecutionGetDataResponseSchema,
  TaskExecutionSchema,
} from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { TaskCreateResponseSchema, TaskSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { describe, expect, it } from "vitest";
import type { AdminManagers } from "../managers/interfaces.js";
import { createAdminServiceImpl } from "./admin-service.js";

/** Managers that keep every request they receive and answer with empty messages. */
function fakeRecordingManagers(): { managers: Partial<AdminManagers>; received: Message[] } {
  const received: Message[] = [];
  const keep =
    <T>(answer: T) =>
    async (request: Message) => {
      received.push(request);
      return answer;
    };
  const managers = {
    tasks: { getTask: keep(create(TaskSchema)), createTask: keep(create(TaskCreateResponseSchema)) },
    workflows: { getWorkflow: keep(create(WorkflowSchema)) },
    launchPlans: {
      getLaunchPlan: keep(create(LaunchPlanSchema)),
      updateLaunchPlan: keep(create(LaunchPlanUpdateResponseSchema)),
    },
    taskExecutions: {
      getTaskExecution: keep(create(TaskExecutionSchema)),
      getTaskExecutionData: keep(create(TaskExecutionGetDataResponseSchema)),
    },
    nodeExecutions: { listNodeExecutionsForTask: keep(create(NodeExecutionListSchema)) },
    descriptionEntities: { getDescriptionEntity: keep(create(DescriptionEntitySchema)) },
  } as unknown as Partial<AdminManagers>;
  return { managers, received };
}

function clientFor(managers: Partial<AdminManagers>) {
  const transport = createRouterTransport((router) => router.service(AdminService, createAdminServiceImpl(managers)));
  return createClient(AdminService, transport);
}

const id = { project: "p", domain: "d", name: "n", version: "v" };

describe("AdminService handlers", () => {
  it("fill flyteadmin's implicit resource types on Get-style calls", async () => {
    const { managers, received } = fakeRecordingManagers();
    const client = clientFor(managers);
    await client.getTask({ id });
    await client.getWorkflow({ id });
    await client.getLaunchPlan({ id });
    await client.updateLaunchPlan({ id });
    await client.getDescriptionEntity({ id });
    const taskExecutionId = { taskId: id, nodeExecutionId: { nodeId: "n0" }, retryAttempt: 1 };
    await client.getTaskExecution({ id: taskExecutionId });
    await client.getTaskExecutionData({ id: taskExecutionId });
    await client.listNodeExecutionsForTask({ taskExecutionId });

    const types = received.map((request) => {
      const r = request as unknown as {
        id?: { resourceType?: number; taskId?: { resourceType: number } };
        taskExecutionId?: { taskId?: { resourceType: number } };
      };
      return r.id?.taskId?.resourceType ?? r.taskExecutionId?.taskId?.resourceType ?? r.id?.resourceType;
    });
    expect(types).toEqual([
      ResourceType.TASK,
      ResourceType.WORKFLOW,
      ResourceType.LAUNCH_PLAN,
      ResourceType.LAUNCH_PLAN,
      ResourceType.TASK,
      ResourceType.TASK,
      ResourceType.TASK,
      ResourceType.TASK,
    ]);
  });

  it("keep a resource type the caller set, leave absent ids absent, and never default Create calls", async () => {
    const { managers, received } = fakeRecordingManagers();
    const client = clientFor(managers);
    await client.getDescriptionEntity({ id: { ...id, resourceType: ResourceType.WORKFLOW } });
    await client.getTask({});
    await client.createTask({ id });
    expect((received[0] as unknown as { id: { resourceType: number } }).id.resourceType).toBe(ResourceType.WORKFLOW);
    expect((received[1] as unknown as { id?: unknown }).id).toBeUndefined();
    expect((received[2] as unknown as { id: { resourceType: number } }).id.resourceType).toBe(ResourceType.UNSPECIFIED);
  });

  it("leave the RPCs of absent managers unimplemented", () => {
    const impl = createAdminServiceImpl({});
    expect(Object.keys(impl)).toEqual([]);
    const withTasks = createAdminServiceImpl(fakeRecordingManagers().managers);
    expect(Object.keys(withTasks)).toContain("getTask");
    expect(Object.keys(withTasks)).not.toContain("createExecution");
  });
});
