/** Following executions of a live admin, with the engine played through admin's event API. */
import { WatchService } from "@aloft/idl/gen/aloft/admin/watch_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { OutputSink } from "../output.js";
import {
  engineFor,
  type FollowAdmin,
  NodeExecution_Phase,
  startFollowAdmin,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "./follow-admin.test-helper.js";
import { followExecution } from "./follow-execution.js";

let admin: FollowAdmin;
beforeAll(async () => {
  admin = await startFollowAdmin();
});
afterAll(async () => {
  await admin?.stop();
});

function collect(): { output: OutputSink; text: () => string } {
  let text = "";
  return {
    output: { stdout: (chunk) => (text += chunk), stderr: (chunk) => (text += chunk) },
    text: () => text,
  };
}

it("prints one line per change as admin pushes it, then the outputs", async () => {
  const id = await admin.launch("follow-lines");
  const engine = engineFor(admin.client, id);
  const sink = collect();
  const followed = followExecution({ baseUrl: admin.url, id, output: sink.output });
  /** Sends one event and waits until its line is out, so every phase is seen. */
  const step = async (send: () => Promise<void>, line: string) => {
    await send();
    await vi.waitFor(() => expect(sink.text()).toContain(`${line}\n`));
  };
  await vi.waitFor(() => expect(sink.text()).toContain("UNDEFINED\n"));

  await step(() => engine.workflow(WorkflowExecution_Phase.RUNNING), "RUNNING");
  await engine.node("start-node", NodeExecution_Phase.SUCCEEDED); // hidden, as consoles do
  await step(() => engine.node("n0", NodeExecution_Phase.RUNNING), "node n0 RUNNING");
  await step(() => engine.task("n0", TaskExecution_Phase.RUNNING), "task n0 attempt 1 RUNNING");
  await step(() => engine.task("n0", TaskExecution_Phase.FAILED), "task n0 attempt 1 FAILED");
  await step(() => engine.task("n0", TaskExecution_Phase.RUNNING, 1), "task n0 attempt 2 RUNNING");
  await step(() => engine.task("n0", TaskExecution_Phase.SUCCEEDED, 1), "task n0 attempt 2 SUCCEEDED");
  await engine.node("n0", NodeExecution_Phase.SUCCEEDED);
  await engine.workflow(WorkflowExecution_Phase.SUCCEEDED, { output: "hello" });
  const execution = await followed;

  expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
  expect(sink.text()).toBe(
    [
      "execution flytesnacks/development/follow-lines UNDEFINED",
      "execution flytesnacks/development/follow-lines RUNNING",
      "node n0 RUNNING",
      "task n0 attempt 1 RUNNING",
      "task n0 attempt 1 FAILED",
      "task n0 attempt 2 RUNNING",
      "task n0 attempt 2 SUCCEEDED",
      "node n0 SUCCEEDED in 5.0s",
      "execution flytesnacks/development/follow-lines SUCCEEDED in 8.0s (1/1 nodes)",
      "outputs:",
      '  o0: "hello"',
      "",
    ].join("\n"),
  );
  expect(admin.service.executionChanges.subscriptionCount()).toBe(0);
});

it("shows a finished execution at once, with its error and no outputs", async () => {
  const id = await admin.launch("follow-failed");
  const engine = engineFor(admin.client, id);
  await engine.workflow(WorkflowExecution_Phase.RUNNING);
  await engine.node("n0", NodeExecution_Phase.RUNNING);
  await engine.node("n0", NodeExecution_Phase.FAILED);
  await engine.workflow(WorkflowExecution_Phase.FAILED, { error: "n0 failed: boom\ntraceback…" });
  const sink = collect();

  const execution = await followExecution({ baseUrl: admin.url, id, output: sink.output });

  expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.FAILED);
  expect(sink.text()).toBe(
    [
      "node n0 FAILED in 1.0s",
      "execution flytesnacks/development/follow-failed FAILED in 3.0s: n0 failed: boom (1/1 nodes)",
      "",
    ].join("\n"),
  );
});

it("draws the live display on a terminal and ends with the final frame and the outputs", async () => {
  const id = await admin.launch("follow-live");
  const engine = engineFor(admin.client, id);
  await engine.workflow(WorkflowExecution_Phase.RUNNING);
  await engine.node("n0", NodeExecution_Phase.RUNNING);
  const sink = collect();
  const followed = followExecution({
    baseUrl: admin.url,
    id,
    output: sink.output,
    tty: true,
    size: () => ({ columns: 60, rows: 20 }),
    nowMs: () => 1_700_000_010_000,
  });
  await vi.waitFor(() => expect(sink.text()).toContain("n0  RUNNING"));
  await engine.node("n0", NodeExecution_Phase.SUCCEEDED);
  await engine.workflow(WorkflowExecution_Phase.SUCCEEDED, { output: "live" });
  await followed;

  const text = sink.text();
  expect(text.startsWith("\x1b[?25l")).toBe(true);
  const lastFrame = text.slice(text.lastIndexOf("\x1b[J") + 3);
  expect(lastFrame).toBe(
    [
      "✓ flytesnacks/development/follow-live  SUCCEEDED  3.0s",
      `  [${"█".repeat(30)}]  1/1 nodes`,
      "  ✓ n0  SUCCEEDED  1.0s",
      "\x1b[?25houtputs:",
      '  o0: "live"',
      "",
    ].join("\n"),
  );
});

it("fails with NOT_FOUND for an unknown execution, printing nothing", async () => {
  const sink = collect();
  const error = await followExecution({
    baseUrl: admin.url,
    id: { project: "flytesnacks", domain: "development", name: "nowhere" },
    output: sink.output,
    tty: true,
  }).catch((thrown: unknown) => thrown);
  expect(ConnectError.from(error).code).toBe(Code.NotFound);
  expect(sink.text()).toBe("");
});

it("watches again when admin goes away mid-stream, without repeating lines", async () => {
  const id = { project: "p", domain: "d", name: "restarted" };
  let calls = 0;
  const transport = createRouterTransport(({ service }) => {
    service(WatchService, {
      async *watchExecution() {
        calls += 1;
        yield { event: { case: "execution", value: { id, closure: { phase: WorkflowExecution_Phase.RUNNING } } } };
        if (calls === 1) throw new ConnectError("the server is shutting down; watch again", Code.Unavailable);
        yield { event: { case: "execution", value: { id, closure: { phase: WorkflowExecution_Phase.SUCCEEDED } } } };
        yield { event: { case: "end", value: { phase: WorkflowExecution_Phase.SUCCEEDED } } };
      },
    });
    service(AdminService, {
      getWorkflow: () => {
        throw new ConnectError("no workflow here", Code.NotFound);
      },
      getExecutionData: () => ({}),
    });
  });
  const sink = collect();

  const execution = await followExecution({
    baseUrl: "http://unused",
    transport,
    id,
    output: sink.output,
    reconnectDelayMs: 0,
  });

  expect(calls).toBe(2);
  expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
  expect(sink.text()).toBe("execution p/d/restarted RUNNING\nexecution p/d/restarted SUCCEEDED (0/0 nodes)\n");
});

it("gives up after the allowed number of reconnects", async () => {
  const transport = createRouterTransport(({ service }) => {
    service(WatchService, {
      // eslint-disable-next-line require-yield
      async *watchExecution() {
        throw new ConnectError("down", Code.Unavailable);
      },
    });
  });
  const error = await followExecution({
    baseUrl: "http://unused",
    transport,
    id: { project: "p", domain: "d", name: "down" },
    output: collect().output,
    reconnects: 2,
    reconnectDelayMs: 0,
  }).catch((thrown: unknown) => thrown);
  expect(ConnectError.from(error)).toMatchObject({ code: Code.Unavailable, rawMessage: "down" });
});
