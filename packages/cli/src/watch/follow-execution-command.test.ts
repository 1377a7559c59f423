/** `followExecutionCommand` (what `aloft get execution <name> --watch` runs) against a live admin. */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CliContext } from "../cli-command.js";
import { CliError, ExitCode, type ExitCodeValue } from "../cli-error.js";
import {
  engineFor,
  type FollowAdmin,
  NodeExecution_Phase,
  startFollowAdmin,
  WorkflowExecution_Phase,
} from "./follow-admin.test-helper.js";
import { followExecutionCommand } from "./follow-execution-command.js";

let admin: FollowAdmin;
beforeAll(async () => {
  admin = await startFollowAdmin();
});
afterAll(async () => {
  await admin?.stop();
});

function context(): CliContext & { stdout: () => string; exitCode: () => ExitCodeValue } {
  let stdout = "";
  let exitCode: ExitCodeValue = ExitCode.Ok;
  return {
    output: { stdout: (text) => (stdout += text), stderr: () => undefined },
    env: {},
    cwd: process.cwd(),
    setExitCode: (code) => (exitCode = code),
    stdout: () => stdout,
    exitCode: () => exitCode,
  };
}

const flags = () => ({ project: "flytesnacks", domain: "development", admin: admin.url });

it("shows a finished execution's progress and outputs, and exits 0 when it succeeded", async () => {
  const id = await admin.launch("watch-ok");
  const engine = engineFor(admin.client, id);
  await engine.workflow(WorkflowExecution_Phase.RUNNING);
  await engine.node("n0", NodeExecution_Phase.SUCCEEDED);
  await engine.workflow(WorkflowExecution_Phase.SUCCEEDED, { output: "done" });
  const ctx = context();
  const execution = await followExecutionCommand({ name: "watch-ok", flags: flags(), context: ctx });
  expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
  expect(ctx.stdout()).toBe(
    [
      "node n0 SUCCEEDED",
      "execution flytesnacks/development/watch-ok SUCCEEDED in 2.0s (1/1 nodes)",
      "outputs:",
      '  o0: "done"',
      "",
    ].join("\n"),
  );
  expect(ctx.exitCode()).toBe(ExitCode.Ok);
});

it("sets exit code 1 for an execution that failed", async () => {
  const id = await admin.launch("watch-failed");
  const engine = engineFor(admin.client, id);
  await engine.workflow(WorkflowExecution_Phase.RUNNING);
  await engine.workflow(WorkflowExecution_Phase.FAILED, { error: "boom" });
  const ctx = context();
  await followExecutionCommand({ name: "watch-failed", flags: flags(), context: ctx });
  expect(ctx.stdout()).toBe("execution flytesnacks/development/watch-failed FAILED in 1.0s: boom (0/1 nodes)\n");
  expect(ctx.exitCode()).toBe(ExitCode.Failure);
});

it("says in one line that an execution does not exist, or that -p is missing", async () => {
  const unknown = await followExecutionCommand({ name: "nowhere", flags: flags(), context: context() }).catch(
    (error: unknown) => error,
  );
  expect(unknown).toBeInstanceOf(CliError);
  expect((unknown as CliError).message).toBe("execution flytesnacks/development/nowhere not found");
  const noProject = await followExecutionCommand({
    name: "watch-ok",
    flags: { domain: "development", admin: admin.url },
    context: context(),
  }).catch((error: unknown) => error);
  expect([(noProject as CliError).message, (noProject as CliError).exitCode]).toEqual([
    "a project is needed: -p <project>",
    ExitCode.Usage,
  ]);
});
