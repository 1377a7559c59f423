/**
 * Test helper for `get`, `create`, `update` and `delete`: a live admin holding a small package, registered over
 * gRPC — task `demo.greet`, workflows `demo.greet_wf` and `demo.other_wf`, launch plans of the same names, each
 * in versions v1 and v2 — and a way to play an execution through events as the engine would report it.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { integerLiteral, integerType, literalMap, stringLiteral, stringType } from "@aloft/idl";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  type Identifier,
  IdentifierSchema,
  ResourceType,
  type WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { makeTempDir } from "@aloft/test-helpers";
import { createAdminClients, type AdminClients } from "../client/admin-clients.js";
import { parseAdminEndpoint } from "../client/admin-endpoint.js";
import { startLiveAdmin, type LiveAdmin } from "../client/live-admin.test-helper.js";
import { runAloft, type AloftRun } from "../run-aloft.test-helper.js";

export const PROJECT = "flytesnacks";
export const DOMAIN = "development";
export const TASK = "demo.greet";
export const WORKFLOW = "demo.greet_wf";
export const OTHER_WORKFLOW = "demo.other_wf";
export const VERSIONS = ["v1", "v2"] as const;

/** A live admin with the demo package, a client to check its state, and a temp dir as HOME and cwd. */
export interface CrudFixture {
  admin: LiveAdmin;
  clients: AdminClients;
  /** HOME and the working directory of every run. */
  work: string;
  /** `aloft <args> --admin <live admin>`; `-p`/`-d` are not added. */
  aloft(args: readonly string[]): Promise<AloftRun>;
  stop(): Promise<void>;
}

/** Starts admin, registers the demo package in both versions. */
export async function startCrudFixture(): Promise<CrudFixture> {
  const admin = await startLiveAdmin();
  const clients = await createAdminClients({
    endpoint: parseAdminEndpoint(admin.url, { insecure: true, source: "test" }),
    endpointSource: "test",
    insecureSkipVerify: false,
  });
  const temp = await makeTempDir("aloft-cli-crud-");
  for (const version of VERSIONS) await registerDemo(clients, version);
  return {
    admin,
    clients,
    work: temp.path,
    aloft: (args) => runAloft([...args, "--admin", admin.url], { env: { HOME: temp.path }, cwd: temp.path }),
    async stop() {
      clients.close();
      await admin.stop();
      await temp.cleanup();
    },
  };
}

/** `-p flytesnacks -d development`. */
export const TARGET = ["-p", PROJECT, "-d", DOMAIN] as const;

export function entityId(resourceType: ResourceType, name: string, version: string): Identifier {
  return create(IdentifierSchema, { resourceType, project: PROJECT, domain: DOMAIN, name, version });
}

async function registerDemo(clients: AdminClients, version: string): Promise<void> {
  const taskId = entityId(ResourceType.TASK, TASK, version);
  await clients.admin.createTask({
    id: taskId,
    spec: {
      template: {
        id: taskId,
        type: "python-task",
        metadata: { runtime: { version: "1.0" }, discoverable: version === "v2", discoveryVersion: "1" },
        interface: {
          inputs: {
            variables: {
              name: { type: stringType(), description: "who to greet" },
              times: { type: integerType(), description: "times" },
            },
          },
          outputs: { variables: { o0: { type: stringType(), description: "the greeting" } } },
        },
        target: { case: "container", value: { image: "python:3.12", args: ["greet"] } },
      },
    },
  });
  for (const workflow of [WORKFLOW, OTHER_WORKFLOW]) {
    const workflowId = entityId(ResourceType.WORKFLOW, workflow, version);
    await clients.admin.createWorkflow({
      id: workflowId,
      spec: {
        template: {
          id: workflowId,
          interface: {
            inputs: { variables: { name: { type: stringType() }, times: { type: integerType() } } },
            outputs: { variables: { o0: { type: stringType() } } },
          },
          nodes: [
            {
              id: "n0",
              inputs: ["name", "times"].map((input) => ({
                var: input,
                binding: { value: { case: "promise", value: { nodeId: "start-node", var: input } } },
              })),
              target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId } } },
            },
          ],
          outputs: [{ var: "o0", binding: { value: { case: "promise", value: { nodeId: "n0", var: "o0" } } } }],
        },
      },
    });
    await clients.admin.createLaunchPlan({
      id: entityId(ResourceType.LAUNCH_PLAN, workflow, version),
      spec: {
        workflowId,
        defaultInputs: {
          parameters: {
            name: {
              var: { type: stringType(), description: "who to greet" },
              behavior: { case: "required", value: true },
            },
            times: { var: { type: integerType() }, behavior: { case: "default", value: integerLiteral(3) } },
          },
        },
      },
    });
  }
}

/**
 * Reports what the engine would for a successful run of `demo.greet_wf`: the workflow running, node n0 with its
 * inputs, one task attempt, and the node and workflow succeeding with output o0.
 */
export async function playSuccessfulRun(clients: AdminClients, execution: WorkflowExecutionIdentifier): Promise<void> {
  const start = Date.now() - 10_000;
  const at = (offsetMs: number) => timestampFromMs(start + offsetMs);
  const nodeId = { nodeId: "n0", executionId: execution };
  const inputs = literalMap({ name: stringLiteral("world"), times: integerLiteral(2) });
  const outputs = literalMap({ o0: stringLiteral("hello world") });
  await clients.admin.createWorkflowEvent({
    requestId: "r1",
    event: { executionId: execution, phase: WorkflowExecution_Phase.RUNNING, occurredAt: at(0) },
  });
  await clients.admin.createNodeEvent({
    requestId: "r2",
    event: {
      id: nodeId,
      phase: NodeExecution_Phase.RUNNING,
      occurredAt: at(100),
      inputValue: { case: "inputData", value: inputs },
    },
  });
  const taskId = entityId(ResourceType.TASK, TASK, "v1");
  const task = { taskId, parentNodeExecutionId: nodeId, retryAttempt: 0, taskType: "python-task" };
  await clients.admin.createTaskEvent({
    requestId: "r3",
    event: {
      ...task,
      phase: TaskExecution_Phase.RUNNING,
      occurredAt: at(200),
      logs: [{ name: "stdout", uri: "file:///tmp/n0.log" }],
    },
  });
  await clients.admin.createTaskEvent({
    requestId: "r4",
    event: {
      ...task,
      phase: TaskExecution_Phase.SUCCEEDED,
      occurredAt: at(2_000),
      outputResult: { case: "outputData", value: outputs },
    },
  });
  await clients.admin.createNodeEvent({
    requestId: "r5",
    event: {
      id: nodeId,
      phase: NodeExecution_Phase.SUCCEEDED,
      occurredAt: at(2_100),
      outputResult: { case: "outputData", value: outputs },
    },
  });
  await clients.admin.createWorkflowEvent({
    requestId: "r6",
    event: {
      executionId: execution,
      phase: WorkflowExecution_Phase.SUCCEEDED,
      occurredAt: at(2_200),
      outputResult: { case: "outputData", value: outputs },
    },
  });
}

/** Starts `demo.greet_wf` v1 (inputs name and times) through admin directly; returns its id. */
export async function launchDemo(clients: AdminClients, name?: string): Promise<WorkflowExecutionIdentifier> {
  const response = await clients.admin.createExecution({
    project: PROJECT,
    domain: DOMAIN,
    ...(name === undefined ? {} : { name }),
    spec: { launchPlan: entityId(ResourceType.LAUNCH_PLAN, WORKFLOW, "v1"), metadata: { mode: 0 } },
    inputs: literalMap({ name: stringLiteral("world") }),
  });
  return response.id!;
}
