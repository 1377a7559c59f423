/** The WatchService as Server-Sent Events over plain HTTP (`fetch`), against a running admin. */
import { beforeAll, expect, it, vi } from "vitest";
import { describeIntegration } from "../integration/integration-harness.test-helper.js";
import {
  engineFor,
  launch,
  NodeExecution_Phase,
  readSse,
  registerLaunchPlan,
  type SseEvent,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "./watch-harness.test-helper.js";

const route = (name: string, query = "") => `/api/v1/watch/executions/admintests/development/${name}${query}`;

/** Reads events one at a time. */
function events(body: ReadableStream<Uint8Array>) {
  const iterator = readSse(body)[Symbol.asyncIterator]();
  return {
    async next(): Promise<SseEvent> {
      const result = await iterator.next();
      if (result.done === true) throw new Error("the stream ended");
      return result.value;
    },
    async rest(): Promise<SseEvent[]> {
      const out: SseEvent[] = [];
      for (let result = await iterator.next(); result.done !== true; result = await iterator.next()) {
        out.push(result.value);
      }
      return out;
    },
  };
}

/** `{ event, phase }` of an event's flyteadmin JSON. */
function phaseOf(event: SseEvent): { event: string; phase: unknown } {
  const data = event.data as { closure?: { phase?: unknown }; phase?: unknown };
  return { event: event.event, phase: data.closure?.phase ?? data.phase };
}

describeIntegration("WatchExecution as Server-Sent Events", (admin) => {
  beforeAll(async () => {
    await registerLaunchPlan(admin().grpc);
  });

  it("streams named events with flyteadmin's JSON until the execution ends", async () => {
    const { grpc, url } = admin();
    const id = await launch(grpc, "sse-live");
    const engine = engineFor(grpc, id);
    const response = await fetch(url + route("sse-live", "?include_task_executions=true"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const stream = events(response.body!);

    const first = await stream.next();
    expect(first.event).toBe("execution");
    const rest = await admin().http(`/api/v1/executions/admintests/development/sse-live`, {
      headers: { accept: "application/json" },
    });
    expect(first.data).toEqual(JSON.parse(rest.body.toString()));

    await engine.workflow(WorkflowExecution_Phase.RUNNING);
    expect(phaseOf(await stream.next())).toEqual({ event: "execution", phase: "RUNNING" });
    await engine.node("n0", NodeExecution_Phase.RUNNING);
    const node = await stream.next();
    expect(phaseOf(node)).toEqual({ event: "node", phase: "RUNNING" });
    expect((node.data as { id: { node_id: string } }).id.node_id).toBe("n0");
    await engine.task("n0", TaskExecution_Phase.RUNNING);
    const task = await stream.next();
    expect(phaseOf(task)).toEqual({ event: "task", phase: "RUNNING" });
    expect((task.data as { id: { retry_attempt: number } }).id.retry_attempt).toBe(0);
    await engine.workflow(WorkflowExecution_Phase.TIMED_OUT);
    expect((await stream.rest()).map(phaseOf)).toEqual([
      { event: "execution", phase: "TIMED_OUT" },
      { event: "end", phase: "TIMED_OUT" },
    ]);
  });

  it("answers an unknown execution with flyteadmin's REST error", async () => {
    const response = await admin().http(route("nowhere"));
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(response.body.toString())).toEqual({
      code: 5,
      message:
        'missing entity of type execution with identifier project:"admintests" domain:"development" name:"nowhere"',
      details: [],
    });
  });

  it("refuses other methods and malformed query parameters", async () => {
    const post = await admin().http(route("anything"), { method: "POST" });
    expect(post.status).toBe(501);
    const bad = await admin().http(route("anything", "?include_task_executions=maybe"));
    expect(bad.status).toBe(400);
    expect((JSON.parse(bad.body.toString()) as { code: number }).code).toBe(3);
  });

  it("releases the subscription when the client goes away", async () => {
    const { grpc, url } = admin();
    await launch(grpc, "sse-leave");
    const controller = new AbortController();
    const response = await fetch(url + route("sse-leave"), { signal: controller.signal });
    expect((await events(response.body!).next()).event).toBe("execution");
    expect(admin().service.executionChanges.subscriptionCount()).toBe(1);
    controller.abort();
    await vi.waitFor(() => expect(admin().service.executionChanges.subscriptionCount()).toBe(0));
  });
});
