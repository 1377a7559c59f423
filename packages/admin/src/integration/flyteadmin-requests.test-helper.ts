/**
 * Test helper: the requests and seed data of flyteadmin's integration tests (`flyteadmin/tests/shared.go` and
 * `pkg/manager/impl/testutils/mock_requests.go`), built with protobuf-es.
 */
import { stringLiteral, stringType } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  type LaunchPlanCreateRequest,
  LaunchPlanCreateRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { type TaskCreateRequest, TaskCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { type WorkflowCreateRequest, WorkflowCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type Identifier, IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { expect } from "vitest";
import type { AdminClient } from "./integration-harness.test-helper.js";

/** `shared.go`'s execution scope: project "project", domain "domain", name "execution name". */
export const project = "project";
export const domain = "domain";
export const name = "execution name";

export const entityProjects = ["admintests"];
export const entityDomains = ["development", "production"];
export const entityNames = ["name_a", "name_b", "name_c"];
export const entityVersions = ["123", "456", "789"];

/** A core.Identifier. */
export function identifier(
  resourceType: ResourceType,
  project: string,
  domain: string,
  name: string,
  version: string,
): Identifier {
  return create(IdentifierSchema, { resourceType, project, domain, name, version });
}

/** `testutils.GetValidTaskRequest()`: a container task project/domain/name/version with a short description. */
export function validTaskRequest(): TaskCreateRequest {
  const id = identifier(ResourceType.TASK, "project", "domain", "name", "version");
  return create(TaskCreateRequestSchema, {
    id,
    spec: {
      template: {
        id,
        type: "type",
        metadata: { runtime: { version: "runtime version" } },
        interface: {},
        target: { case: "container", value: { image: "image", command: ["command"] } },
      },
      description: { shortDescription: "hello" },
    },
  });
}

/** `testutils.GetValidTaskRequestWithOverrides(project, domain, name, version)` (no template id, no description). */
export function validTaskRequestWithOverrides(
  project: string,
  domain: string,
  name: string,
  version: string,
): TaskCreateRequest {
  return create(TaskCreateRequestSchema, {
    id: identifier(ResourceType.TASK, project, domain, name, version),
    spec: {
      template: {
        type: "type",
        metadata: { runtime: { version: "runtime version" } },
        interface: {},
        target: { case: "container", value: { image: "image", command: ["command"] } },
      },
    },
  });
}

/** `shared.go`'s one-node workflow: input `foo: STRING`, node "I'm a node" calling `task`. */
export function oneNodeWorkflowRequest(id: Identifier, task: Identifier, withFooInput = true): WorkflowCreateRequest {
  return create(WorkflowCreateRequestSchema, {
    id,
    spec: {
      template: {
        id,
        interface: withFooInput ? { inputs: { variables: { foo: { type: stringType() } } } } : {},
        nodes: [
          {
            id: "I'm a node",
            target: { case: "taskNode", value: { reference: { case: "referenceId", value: task } } },
          },
        ],
      },
    },
  });
}

/** `launch_plan_test.go`'s `getLaunchPlanCreateRequest`: `foo` defaulted to "foo-value". */
export function launchPlanCreateRequest(id: Identifier, workflowId: Identifier): LaunchPlanCreateRequest {
  return create(LaunchPlanCreateRequestSchema, {
    id,
    spec: {
      workflowId,
      defaultInputs: {
        parameters: {
          foo: { var: { type: stringType() }, behavior: { case: "default", value: stringLiteral("foo-value") } },
        },
      },
    },
  });
}

/** Every combination of the entity projects, domains, names and versions. */
function* entities(): Generator<[string, string, string, string]> {
  for (const p of entityProjects)
    for (const d of entityDomains) for (const n of entityNames) for (const v of entityVersions) yield [p, d, n, v];
}

/** `insertTasksForTests`: GetValidTaskRequest's spec under every entity id. */
export async function insertTasksForTests(client: AdminClient): Promise<void> {
  for (const [p, d, n, v] of entities()) {
    await client.createTask({ id: identifier(ResourceType.TASK, p, d, n, v), spec: validTaskRequest().spec });
  }
}

/** `insertWorkflowsForTests`: a one-node workflow per entity id, calling the task of the same id. */
export async function insertWorkflowsForTests(client: AdminClient): Promise<void> {
  for (const [p, d, n, v] of entities()) {
    await client.createWorkflow(
      oneNodeWorkflowRequest(identifier(ResourceType.WORKFLOW, p, d, n, v), identifier(ResourceType.TASK, p, d, n, v)),
    );
  }
}

/** `insertLaunchPlansForTests`: a launch plan per entity id, of the workflow of the same id. */
export async function insertLaunchPlansForTests(client: AdminClient): Promise<void> {
  for (const [p, d, n, v] of entities()) {
    await client.createLaunchPlan(
      launchPlanCreateRequest(
        identifier(ResourceType.LAUNCH_PLAN, p, d, n, v),
        identifier(ResourceType.WORKFLOW, p, d, n, v),
      ),
    );
  }
}

/** Runs `fn`, expecting it to reject; returns the error. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error & { code?: unknown; rawMessage?: string }> {
  let error: unknown;
  try {
    await fn();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}
