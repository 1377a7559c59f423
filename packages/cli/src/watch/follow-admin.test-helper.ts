/**
 * Test helper for following executions: a real admin (`createAdminService`, SQLite in a temp directory) with a
 * one-node workflow registered (`wf` calling task `t`, output `o0: STRING`), and the engine's events for one of its
 * executions, sent through admin's gRPC API as propeller would.
 */
import { join } from "node:path";
import { Writable } from "node:stream";
import { compileAdminConfig, createAdminLogger, createAdminService, type AdminService } from "@aloft/admin";
import { stringLiteral, stringType } from "@aloft/idl";
import { makeTempDir } from "@aloft/test-helpers";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType, type WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { AdminService as AdminServiceDesc } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

export { NodeExecution_Phase, TaskExecution_Phase, WorkflowExecution_Phase };

/** A running admin with the workflow registered. */
export interface FollowAdmin {
  readonly service: AdminService;
  readonly url: string;
  readonly client: Client<typeof AdminServiceDesc>;
  /** Starts an execution named `name` of launch plan `wf`. */
  launch(name: string): Promise<WorkflowExecutionIdentifier>;
  stop(): Promise<void>;
}

const project = "flytesnacks";
const domain = "development";
const version = "v1";
const outputs = { variables: { o0: { type: stringType() } } };

/** Starts the admin and registers `t`, `wf` and launch plan `wf`. */
export async function startFollowAdmin(): Promise<FollowAdmin> {
  const temp = await makeTempDir("aloft-cli-follow-");
  const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const config = compileAdminConfig(
    {
      server: { host: "127.0.0.1", port: 0 },
      database: { url: `sqlite://${join(temp.path, "admin.db")}` },
      storage: { root: join(temp.path, "blobs"), signingSecret: "a cli test signing secret" },
      logger: { level: "error" },
      seedProjects: [project],
    },
    { homeDir: temp.path },
  );
  const service = await createAdminService({
    config,
    logger: createAdminLogger({ level: "error", destination: quiet }),
    secretsDir: join(temp.path, "secrets"),
  });
  const stop = async (): Promise<void> => {
    await service.close();
    await temp.cleanup();
  };
  try {
    const { url } = await service.server.listen();
    const client = createClient(AdminServiceDesc, createGrpcTransport({ baseUrl: url }));
    const taskId = { resourceType: ResourceType.TASK, project, domain, name: "t", version };
    const workflowId = { resourceType: ResourceType.WORKFLOW, project, domain, name: "wf", version };
    const launchPlanId = { resourceType: ResourceType.LAUNCH_PLAN, project, domain, name: "wf", version };
    await client.createTask({
      id: taskId,
      spec: {
        template: {
          id: taskId,
          type: "python-task",
          metadata: { runtime: { version: "1.0.0" } },
          interface: { inputs: {}, outputs },
          target: { case: "container", value: { image: "alpine", args: ["true"] } },
        },
      },
    });
    await client.createWorkflow({
      id: workflowId,
      spec: {
        template: {
          id: workflowId,
          interface: { inputs: {}, outputs },
          nodes: [
            {
              id: "n0",
              metadata: { name: "n0" },
              target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId } } },
            },
          ],
          outputs: [{ var: "o0", binding: { value: { case: "promise", value: { nodeId: "n0", var: "o0" } } } }],
        },
      },
    });
    await client.createLaunchPlan({ id: launchPlanId, spec: { workflowId } });
    return {
      service,
      url,
      client,
      async launch(name) {
        const response = await client.createExecution({ project, domain, name, spec: { launchPlan: launchPlanId } });
        return response.id!;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The engine's events for `executionId`, one second apart from 2023-11-14T22:13:20Z. */
export function engineFor(client: Client<typeof AdminServiceDesc>, executionId: WorkflowExecutionIdentifier) {
  let second = 0;
  const at = () => timestampFromMs(1_700_000_000_000 + ++second * 1000);
  return {
    async workflow(phase: WorkflowExecution_Phase, result: { output?: string; error?: string } = {}): Promise<void> {
      await client.createWorkflowEvent({
        requestId: `wf-${phase}`,
        event: {
          executionId,
          phase,
          occurredAt: at(),
          producerId: "propeller",
          outputResult:
            result.output !== undefined
              ? { case: "outputData", value: { literals: { o0: stringLiteral(result.output) } } }
              : result.error !== undefined
                ? { case: "error", value: { code: "USER", message: result.error } }
                : { case: undefined },
        },
      });
    },
    async node(nodeId: string, phase: NodeExecution_Phase): Promise<void> {
      await client.createNodeEvent({
        requestId: `node-${nodeId}-${phase}`,
        event: {
          id: { nodeId, executionId },
          phase,
          occurredAt: at(),
          producerId: "propeller",
          specNodeId: nodeId,
          inputValue: { case: "inputUri", value: `s3://bucket/${nodeId}/inputs.pb` },
        },
      });
    },
    async task(nodeId: string, phase: TaskExecution_Phase, retryAttempt = 0): Promise<void> {
      await client.createTaskEvent({
        requestId: `task-${nodeId}-${phase}-${retryAttempt}`,
        event: {
          taskId: { resourceType: ResourceType.TASK, project, domain, name: "t", version },
          parentNodeExecutionId: { nodeId, executionId },
          retryAttempt,
          phase,
          occurredAt: at(),
          producerId: "propeller",
        },
      });
    },
  };
}
