/**
 * Test helper: small valid registration requests, shaped like flyteadmin's integration-test seeds (a container
 * task with input `foo: STRING`, a one-node workflow calling it, a launch plan defaulting `foo`).
 */
import { stringLiteral, stringType } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  type LaunchPlanCreateRequest,
  LaunchPlanCreateRequestSchema,
  type LaunchPlanSpec,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { type TaskCreateRequest, TaskCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { type WorkflowCreateRequest, WorkflowCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { MessageInitShape, MessageShape, DescMessage } from "@bufbuild/protobuf";
import type { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { LaunchPlanSpecSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";

/** The plain-object form of a message init (not an already created message). */
type Init<Desc extends DescMessage> = Exclude<MessageInitShape<Desc>, MessageShape<Desc>>;

/** Which entity version to build. */
export interface EntityRef {
  project?: string;
  domain?: string;
  name?: string;
  version?: string;
}

function ref(resourceType: ResourceType, entity: EntityRef, defaultName: string) {
  return {
    resourceType,
    project: entity.project ?? "admintests",
    domain: entity.domain ?? "development",
    name: entity.name ?? defaultName,
    version: entity.version ?? "123",
  };
}

const fooInterface = {
  inputs: { variables: { foo: { type: stringType() } } },
  outputs: { variables: { bar: { type: stringType() } } },
};

/** A container task `task` taking `foo: STRING` and returning `bar: STRING`. */
export function taskRequest(
  entity: EntityRef = {},
  template: Partial<Init<typeof TaskTemplateSchema>> = {},
): TaskCreateRequest {
  const id = ref(ResourceType.TASK, entity, "task");
  return create(TaskCreateRequestSchema, {
    id,
    spec: {
      template: {
        id,
        type: "python-task",
        metadata: { runtime: { version: "1.0.0" }, retries: { retries: 2 } },
        interface: fooInterface,
        target: { case: "container", value: { image: "ghcr.io/flyteorg/flytekit:py3.11", args: ["pyflyte-execute"] } },
        ...template,
      },
    },
  });
}

/** A workflow with one node `n0` calling `task` (same project, domain and version unless given). */
export function workflowRequest(entity: EntityRef = {}, task: EntityRef = {}): WorkflowCreateRequest {
  const id = ref(ResourceType.WORKFLOW, entity, "workflow");
  const taskId = ref(
    ResourceType.TASK,
    { project: id.project, domain: id.domain, version: id.version, ...task },
    "task",
  );
  return create(WorkflowCreateRequestSchema, {
    id,
    spec: {
      template: {
        id,
        interface: fooInterface,
        nodes: [
          {
            id: "n0",
            metadata: { name: "n0" },
            inputs: [
              { var: "foo", binding: { value: { case: "promise", value: { nodeId: "start-node", var: "foo" } } } },
            ],
            target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId } } },
          },
        ],
        outputs: [{ var: "bar", binding: { value: { case: "promise", value: { nodeId: "n0", var: "bar" } } } }],
      },
    },
  });
}

/** A launch plan of `workflow` defaulting `foo` to "foo-value". */
export function launchPlanRequest(
  entity: EntityRef = {},
  workflow: EntityRef = {},
  spec: Partial<Init<typeof LaunchPlanSpecSchema>> = {},
): LaunchPlanCreateRequest {
  const id = ref(ResourceType.LAUNCH_PLAN, entity, "launch_plan");
  const workflowId = ref(
    ResourceType.WORKFLOW,
    { project: id.project, domain: id.domain, version: id.version, ...workflow },
    "workflow",
  );
  const init: Init<typeof LaunchPlanSpecSchema> = {
    workflowId,
    defaultInputs: {
      parameters: {
        foo: { var: { type: stringType() }, behavior: { case: "default", value: stringLiteral("foo-value") } },
      },
    },
    ...spec,
  };
  return create(LaunchPlanCreateRequestSchema, { id, spec: create(LaunchPlanSpecSchema, init) as LaunchPlanSpec });
}
