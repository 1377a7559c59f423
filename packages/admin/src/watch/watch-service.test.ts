/**
 * The WatchService against a running admin (SQLite, and PostgreSQL when configured), over gRPC: executions are
 * created through AdminService and moved along by engine-style events, as propeller would send them.
 */
import { equals } from "@bufbuild/protobuf";
import type { WatchExecutionEvent } from "@aloft/idl/gen/aloft/admin/watch_pb";
import { ExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { NodeExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { Code, ConnectError } from "@connectrpc/connect";
import { beforeAll, expect, it, vi } from "vitest";
import { describeIntegration } from "../integration/integration-harness.test-helper.js";
import {
  engineFor,
  launch,
  NodeExecution_Phase,
  registerLaunchPlan,
  TaskExecution_Phase,
  watchClient,
  WorkflowExecution_Phase,
} from "./watch-harness.test-helper.js";

/** An event in one line: `execution RUNNING`, `node n0 QUEUED`, `task n0#0 SUCCEEDED`, `end FAILED`. */
function summary(message: WatchExecutionEvent): string {
  const event = message.event;
  switch (event.case) {
    case "execution":
      return `execution ${WorkflowExecution_Phase[event.value.closure!.phase]}`;
    case "nodeExecution":
      return `node ${event.value.id!.nodeId} ${NodeExecution_Phase[event.value.closure!.phase]}`;
    case "taskExecution":
      return `task ${event.value.id!.nodeExecutionId!.nodeId}#${event.value.id!.retryAttempt} ${TaskExecution_Phase[event.value.closure!.phase]}`;
    case "end":
      return `end ${WorkflowExecution_Phase[event.value.phase]}`;
    default:
      return "?";
  }
}

/** Reads a stream one event at a time. */
function reader(stream: AsyncIterable<WatchExecutionEvent>) {
  const iterator = stream[Symbol.asyncIterator]();
  return {
    async next(): Promise<WatchExecutionEvent> {
      const result = await iterator.next();
      if (result.done === true) throw new Error("the stream ended");
      return result.value;
    },
    async nextSummary(): Promise<string> {
      return summary(await this.next());
    },
    /** Everything left, until the stream ends. */
    async rest(): Promise<string[]> {
      const out: string[] = [];
      for (let result = await iterator.next(); result.done !== true; result = await iterator.next()) {
        out.push(summary(result.value));
      }
      return out;
    },
  };
}

describeIntegration("WatchService.WatchExecution", (admin) => {
  beforeAll(async () => {
    await registerLaunchPlan(admin().grpc);
  });

  it("streams the execution, then each change as admin stores it, then end, and closes", async () => {
    const { grpc, url } = admin();
    const id = await launch(grpc, "watch-live");
    const engine = engineFor(grpc, id);
    const stream = reader(watchClient(url).watchExecution({ id, includeTaskExecutions: true }));

    const first = await stream.next();
    expect(first.event.case).toBe("execution");
    expect(equals(ExecutionSchema, first.event.value as never, await grpc.getExecution({ id }))).toBe(true);

    await engine.workflow(WorkflowExecution_Phase.RUNNING);
    expect(await stream.nextSummary()).toBe("execution RUNNING");
    await engine.node("n0", NodeExecution_Phase.RUNNING);
    const node = await stream.next();
    expect(summary(node)).toBe("node n0 RUNNING");
    expect(
      equals(
        NodeExecutionSchema,
        node.event.value as never,
        await grpc.getNodeExecution({ id: { executionId: id, nodeId: "n0" } }),
      ),
    ).toBe(true);
    await engine.task("n0", TaskExecution_Phase.RUNNING);
    expect(await stream.nextSummary()).toBe("task n0#0 RUNNING");
    await engine.task("n0", TaskExecution_Phase.SUCCEEDED);
    expect(await stream.nextSummary()).toBe("task n0#0 SUCCEEDED");
    await engine.node("n0", NodeExecution_Phase.SUCCEEDED);
    expect(await stream.nextSummary()).toBe("node n0 SUCCEEDED");
    await engine.workflow(WorkflowExecution_Phase.SUCCEEDED);
    expect(await stream.rest()).toEqual(["execution SUCCEEDED", "end SUCCEEDED"]);
    expect(admin().service.executionChanges.subscriptionCount()).toBe(0);
  });

  it("starts with every node execution recorded so far, and leaves tasks out unless asked", async () => {
    const { grpc, url } = admin();
    const id = await launch(grpc, "watch-snapshot");
    const engine = engineFor(grpc, id);
    await engine.workflow(WorkflowExecution_Phase.RUNNING);
    await engine.node("n0", NodeExecution_Phase.RUNNING);
    await engine.node("n1", NodeExecution_Phase.QUEUED);
    await engine.task("n0", TaskExecution_Phase.RUNNING);

    const stream = reader(watchClient(url).watchExecution({ id }));
    expect([await stream.nextSummary(), await stream.nextSummary(), await stream.nextSummary()]).toEqual([
      "execution RUNNING",
      "node n0 RUNNING",
      "node n1 QUEUED",
    ]);
    await engine.task("n0", TaskExecution_Phase.SUCCEEDED);
    await engine.node("n0", NodeExecution_Phase.FAILED);
    expect(await stream.nextSummary()).toBe("node n0 FAILED");
    await engine.workflow(WorkflowExecution_Phase.FAILED);
    expect(await stream.rest()).toEqual(["execution FAILED", "end FAILED"]);
  });

  it("answers a terminal execution with its state and end", async () => {
    const { grpc, url } = admin();
    const id = await launch(grpc, "watch-terminal");
    const engine = engineFor(grpc, id);
    await engine.workflow(WorkflowExecution_Phase.RUNNING);
    await engine.node("n0", NodeExecution_Phase.RUNNING);
    await engine.task("n0", TaskExecution_Phase.RUNNING, 0);
    await engine.workflow(WorkflowExecution_Phase.ABORTED);

    const stream = reader(watchClient(url).watchExecution({ id, includeTaskExecutions: true }));
    expect(await stream.rest()).toEqual(["execution ABORTED", "node n0 RUNNING", "task n0#0 RUNNING", "end ABORTED"]);
  });

  it("sends the final state of every entity of a burst, the terminal execution last", async () => {
    const { grpc, url } = admin();
    const id = await launch(grpc, "watch-burst");
    const engine = engineFor(grpc, id);
    const stream = reader(watchClient(url).watchExecution({ id }));
    expect(await stream.nextSummary()).toMatch(/^execution /);

    await engine.workflow(WorkflowExecution_Phase.RUNNING);
    for (const nodeId of ["n0", "n1", "n2"]) {
      await engine.node(nodeId, NodeExecution_Phase.QUEUED);
      await engine.node(nodeId, NodeExecution_Phase.RUNNING);
      await engine.node(nodeId, NodeExecution_Phase.SUCCEEDED);
    }
    await engine.workflow(WorkflowExecution_Phase.SUCCEEDED);
    const rest = await stream.rest();

    expect(rest.slice(-2)).toEqual(["execution SUCCEEDED", "end SUCCEEDED"]);
    for (const nodeId of ["n0", "n1", "n2"]) {
      const phases = rest.filter((line) => line.startsWith(`node ${nodeId} `)).map((line) => line.split(" ")[2]);
      expect(phases.at(-1)).toBe("SUCCEEDED");
      // Coalesced re-reads may skip phases, never reorder them.
      const order = ["QUEUED", "RUNNING", "SUCCEEDED"];
      expect(phases.map((phase) => order.indexOf(phase!))).toEqual(
        [...phases.map((phase) => order.indexOf(phase!))].sort(),
      );
    }
  });

  it("answers NOT_FOUND for an unknown execution and INVALID_ARGUMENT without an id", async () => {
    const { url } = admin();
    const watch = watchClient(url);
    const missing = { project: "admintests", domain: "development", name: "nowhere" };
    const notFound = await reader(watch.watchExecution({ id: missing }))
      .next()
      .catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(ConnectError);
    expect((notFound as ConnectError).code).toBe(Code.NotFound);
    expect((notFound as ConnectError).rawMessage).toBe(
      'missing entity of type execution with identifier project:"admintests" domain:"development" name:"nowhere"',
    );
    const invalid = await reader(watch.watchExecution({}))
      .next()
      .catch((error: unknown) => error);
    expect((invalid as ConnectError).code).toBe(Code.InvalidArgument);
    expect(admin().service.executionChanges.subscriptionCount()).toBe(0);
  });

  it("releases the subscription when the client goes away", async () => {
    const { grpc, url } = admin();
    const id = await launch(grpc, "watch-cancel");
    const controller = new AbortController();
    const stream = reader(watchClient(url).watchExecution({ id }, { signal: controller.signal }));
    await stream.next();
    expect(admin().service.executionChanges.subscriptionCount()).toBe(1);
    controller.abort();
    await vi.waitFor(() => expect(admin().service.executionChanges.subscriptionCount()).toBe(0));
  });
});
