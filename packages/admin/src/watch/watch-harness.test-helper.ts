/**
 * Test helper for the watch suites: a registered launch plan to start executions from, engine-style events for
 * them (what propeller would send, through admin's gRPC API), a WatchService client and a Server-Sent Events
 * reader.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { WatchService } from "@aloft/idl/gen/aloft/admin/watch_pb";
import {
  NodeExecutionEventRequestSchema,
  TaskExecutionEventRequestSchema,
  WorkflowExecutionEventRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType, type WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { AdminClient } from "../integration/integration-harness.test-helper.js";
import { launchPlanRequest, taskRequest, workflowRequest } from "../managers/registration-requests.test-helper.js";

export { NodeExecution_Phase, TaskExecution_Phase, WorkflowExecution_Phase };

/** A WatchService client over gRPC (HTTP/2). */
export function watchClient(baseUrl: string): Client<typeof WatchService> {
  return createClient(WatchService, createGrpcTransport({ baseUrl }));
}

/** Registers `task`, `workflow` and `launch_plan` (admintests/development, version 123). */
export async function registerLaunchPlan(client: AdminClient): Promise<void> {
  await client.createTask(taskRequest());
  await client.createWorkflow(workflowRequest());
  await client.createLaunchPlan(launchPlanRequest());
}

/** Starts an execution of `launch_plan` named `name`; answers its id. */
export async function launch(client: AdminClient, name: string): Promise<WorkflowExecutionIdentifier> {
  const response = await client.createExecution({
    project: "admintests",
    domain: "development",
    name,
    spec: {
      launchPlan: {
        resourceType: ResourceType.LAUNCH_PLAN,
        project: "admintests",
        domain: "development",
        name: "launch_plan",
        version: "123",
      },
    },
  });
  return response.id!;
}

const at = (second: number) => timestampFromMs(1_700_000_000_000 + second * 1000);

/** The engine's events for one execution, sent through `client`. */
export function engineFor(client: AdminClient, executionId: WorkflowExecutionIdentifier) {
  let second = 0;
  return {
    async workflow(phase: WorkflowExecution_Phase): Promise<void> {
      await client.createWorkflowEvent(
        create(WorkflowExecutionEventRequestSchema, {
          requestId: `wf-${phase}`,
          event: { executionId, phase, occurredAt: at(++second), producerId: "propeller" },
        }),
      );
    },
    async node(nodeId: string, phase: NodeExecution_Phase): Promise<void> {
      await client.createNodeEvent(
        create(NodeExecutionEventRequestSchema, {
          requestId: `node-${nodeId}-${phase}`,
          event: {
            id: { nodeId, executionId },
            phase,
            occurredAt: at(++second),
            producerId: "propeller",
            specNodeId: nodeId,
            inputValue: { case: "inputUri", value: `s3://bucket/${nodeId}/inputs.pb` },
          },
        }),
      );
    },
    async task(nodeId: string, phase: TaskExecution_Phase, retryAttempt = 0): Promise<void> {
      await client.createTaskEvent(
        create(TaskExecutionEventRequestSchema, {
          requestId: `task-${nodeId}-${phase}`,
          event: {
            taskId: {
              resourceType: ResourceType.TASK,
              project: "admintests",
              domain: "development",
              name: "task",
              version: "123",
            },
            parentNodeExecutionId: { nodeId, executionId },
            retryAttempt,
            phase,
            occurredAt: at(++second),
            producerId: "propeller",
          },
        }),
      );
    },
  };
}

/** One Server-Sent Event: its name and its `data:` parsed as JSON. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * The events of an SSE response body, as they arrive; `comments` counts comment lines (heartbeats). Ends when the
 * server closes the stream.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  comments: { count: number } = { count: 0 },
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) comments.count += 1;
        else if (line.startsWith("event: ")) event = line.slice("event: ".length);
        else if (line.startsWith("data: ")) data.push(line.slice("data: ".length));
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}
