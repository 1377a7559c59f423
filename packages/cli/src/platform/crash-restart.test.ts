/*
 * Crash and restart, as a user would see it: `aloft start` runs as a child process, 50 executions of a workflow
 * of four sequential raw-container shell tasks run in it, and the process is killed with SIGKILL while some tasks
 * have succeeded and others run. A second `aloft start` over the same database and blobs must finish all 50 with
 * the right outputs, and no task whose node had been recorded SUCCEEDED before the kill may run again. Tasks that
 * were running at the kill may run again: their process's exit was lost with the engine, and Flyte retries such
 * an attempt as a system failure (propeller.md §4.1).
 *
 * Each task appends `<execution>-<node>` to a shared log file, so the log says how often each task ran.
 * Needs the build (`npx tsc -b packages/cli`): the bin runs `dist/`.
 */
import { readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createDatabase } from "@aloft/db";
import { literalMapFromJs, literalMapToJs, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import { TaskExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralTypeSchema, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { makeTempDir, repoRoot } from "@aloft/test-helpers";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, describe, expect, it } from "vitest";
import { runAloft } from "../run-aloft.test-helper.js";
import { aloftBinBuilt, type PlatformProcess, startPlatformProcess } from "./platform-process.test-helper.js";

const PROJECT = "flytesnacks";
const DOMAIN = "development";
const EXECUTIONS = 50;
const NODES = ["n0", "n1", "n2", "n3"] as const;
/** Log lines written before the kill: about a third of the 200 tasks, so some have succeeded and others run. */
const LINES_BEFORE_KILL = 60;

/**
 * The workflow: step k computes `acc * 3 + (k + 1)`, sleeps a little first so tasks overlap the kill, and logs
 * `<execution>-<node>` (`{{.inputs.node}}` is the node id, passed as an input since a container has no other way
 * to know it).
 */
const WORKFLOW_MODULE = `
import { containerTask, t, workflow } from "@aloft/sdk";

export const step = containerTask({
  name: "crash.step",
  image: "alpine:3.20",
  command: [
    "sh",
    "-c",
    'sleep 0.2; echo "$FLYTE_INTERNAL_EXECUTION_ID-{{.inputs.node}}" >> "$CRASH_TEST_LOG"; echo $(( {{.inputs.acc}} * 3 + {{.inputs.add}} )) > /var/outputs/acc',
  ],
  inputs: { acc: t.int(), node: t.string(), add: t.int() },
  outputs: { acc: t.int() },
});

export const chain = workflow({ name: "crash.chain", inputs: { x: t.int() }, output: t.int() }, ({ x }) => {
  const a = step({ acc: x, node: "n0", add: 1 });
  const b = step({ acc: a.acc, node: "n1", add: 2 });
  const c = step({ acc: b.acc, node: "n2", add: 3 });
  return step({ acc: c.acc, node: "n3", add: 4 }).acc;
});
`;

/** What the workflow computes for `x`. */
function expectedOutput(x: number): number {
  return NODES.reduce((acc, _node, k) => acc * 3 + (k + 1), x);
}

/** Admin's node execution rows, as far as this test reads them. */
interface NodeExecutionRows {
  node_executions: { execution_project: string; execution_name: string; node_id: string; phase: string };
}

/** `<execution>-<node>` of every task node admin recorded in `phases`, read from the database file. */
async function recordedNodes(dbFile: string, phases: readonly string[]): Promise<Set<string>> {
  const database = await createDatabase<NodeExecutionRows>({ url: `sqlite://${dbFile}` });
  try {
    const rows = await database.db
      .selectFrom("node_executions")
      .select(["execution_name", "node_id"])
      .where("execution_project", "=", PROJECT)
      .where("phase", "in", [...phases])
      .where("node_id", "in", [...NODES])
      .execute();
    return new Set(rows.map((r) => `${r.execution_name}-${r.node_id}`));
  } finally {
    await database.close();
  }
}

async function logLines(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").filter((line) => line !== "");
}

/** Polls admin until every execution of `names` is terminal; throws with their phases after `patienceMs`. */
async function waitForAll(
  admin: Client<typeof AdminService>,
  names: readonly string[],
  patienceMs: number,
): Promise<Map<string, Execution>> {
  const giveUpAt = Date.now() + patienceMs;
  for (;;) {
    const listed = await admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, limit: 200 });
    const byName = new Map(listed.executions.map((e) => [e.id!.name, e]));
    const pending = names.filter(
      (n) => !TERMINAL_WORKFLOW_PHASES.has(byName.get(n)?.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED),
    );
    if (pending.length === 0) return byName;
    if (Date.now() > giveUpAt) {
      const phases = pending.map((n) => `${n}: ${WorkflowExecution_Phase[byName.get(n)?.closure?.phase ?? 0]}`);
      throw new Error(`${pending.length} executions never finished:\n${phases.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const running: PlatformProcess[] = [];
const temps: Array<{ cleanup: () => Promise<void> }> = [];

afterAll(async () => {
  for (const platform of running) await platform.kill("SIGKILL");
  for (const temp of temps) await temp.cleanup();
});

describe.skipIf(!aloftBinBuilt)(
  "aloft start killed with SIGKILL and started again (needs `npx tsc -b packages/cli`)",
  () => {
    it(
      "finishes all 50 executions with their outputs and never reruns a task that had succeeded",
      { timeout: 180_000 },
      async () => {
        const temp = await makeTempDir("aloft-crash-");
        temps.push(temp);
        const dir = temp.path;
        const home = join(dir, "home");
        const dbFile = join(dir, "aloft.db");
        const log = join(dir, "tasks.log");
        // A tiny project of its own: the module imports @aloft/sdk through the checkout's node_modules.
        await writeFile(
          join(dir, "package.json"),
          JSON.stringify({ name: "crash-test", type: "module", private: true }),
        );
        await symlink(join(repoRoot, "node_modules"), join(dir, "node_modules"));
        await writeFile(join(dir, "chain.ts"), WORKFLOW_MODULE);
        await writeFile(join(dir, "aloft.yaml"), `seedProjects: [${PROJECT}]\n`);
        const start = () =>
          startPlatformProcess({
            args: ["--port", "0", "--db", dbFile, "--storage", join(dir, "blobs"), "--config", join(dir, "aloft.yaml")],
            cwd: dir,
            env: { HOME: home, ALOFT_LOG_LEVEL: "warn", CRASH_TEST_LOG: log },
          });

        const first = await start();
        running.push(first);
        const pkg = join(dir, "chain.tgz");
        const packaged = await runAloft(["package", "chain.ts", "--no-fast", "--version", "v1", "-o", pkg], {
          cwd: dir,
        });
        expect([packaged.exitCode, packaged.stderr]).toEqual([0, ""]);
        const registered = await runAloft(
          ["register", "files", "--archive", pkg, "-p", PROJECT, "-d", DOMAIN, "--version", "v1", "--admin", first.url],
          { cwd: dir },
        );
        expect([registered.exitCode, registered.stderr]).toEqual([0, ""]);

        const firstAdmin = createClient(AdminService, createGrpcTransport({ baseUrl: first.url }));
        const launchPlan = {
          resourceType: ResourceType.LAUNCH_PLAN,
          project: PROJECT,
          domain: DOMAIN,
          name: "crash.chain",
          version: "v1",
        };
        const integer = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } });
        const inputOf = new Map<string, number>();
        for (let x = 0; x < EXECUTIONS; x++) {
          const created = await firstAdmin.createExecution({
            project: PROJECT,
            domain: DOMAIN,
            spec: { launchPlan },
            inputs: literalMapFromJs({ x }, { x: integer }),
          });
          inputOf.set(created.id!.name, x);
        }
        const names = [...inputOf.keys()];

        while ((await logLines(log)).length < LINES_BEFORE_KILL) {
          if (first.child.exitCode !== null || first.child.signalCode !== null)
            throw new Error(`aloft start exited early:\n${first.stderr()}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await first.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });

        // What admin had recorded when the process died (committed rows survive a SIGKILL).
        const succeededBeforeKill = await recordedNodes(dbFile, ["SUCCEEDED"]);
        const unfinishedAtKill = await recordedNodes(dbFile, ["QUEUED", "RUNNING"]);
        expect(succeededBeforeKill.size).toBeGreaterThan(0);
        expect(unfinishedAtKill.size).toBeGreaterThan(0);

        const second = await start();
        running.push(second);
        const admin = createClient(AdminService, createGrpcTransport({ baseUrl: second.url }));
        const executions = await waitForAll(admin, names, 150_000);

        const phases = names.map((n) => [n, WorkflowExecution_Phase[executions.get(n)!.closure!.phase]]);
        expect(phases).toEqual(names.map((n) => [n, "SUCCEEDED"]));
        for (const name of names) {
          const data = await admin.getExecutionData({ id: { project: PROJECT, domain: DOMAIN, name } });
          expect([name, literalMapToJs(data.fullOutputs!)]).toEqual([name, { o0: expectedOutput(inputOf.get(name)!) }]);
        }

        const runs = new Map<string, number>();
        for (const line of await logLines(log)) runs.set(line, (runs.get(line) ?? 0) + 1);
        const everyTask = names.flatMap((name) => NODES.map((node) => `${name}-${node}`));
        expect(everyTask.filter((task) => !runs.has(task))).toEqual([]);
        expect([...runs.keys()].filter((task) => !everyTask.includes(task))).toEqual([]);
        const rerunAfterSuccess = [...succeededBeforeKill].filter((task) => runs.get(task) !== 1);
        expect(rerunAfterSuccess).toEqual([]);
        // Admin agrees: one attempt, and no other, for each of them.
        for (const task of succeededBeforeKill) {
          const cut = task.lastIndexOf("-");
          const nodeExecutionId = {
            executionId: { project: PROJECT, domain: DOMAIN, name: task.slice(0, cut) },
            nodeId: task.slice(cut + 1),
          };
          const attempts = await admin.listTaskExecutions({ nodeExecutionId, limit: 10 });
          expect([task, attempts.taskExecutions.map((t) => [t.id?.retryAttempt, t.closure?.phase])]).toEqual([
            task,
            [[0, TaskExecution_Phase.SUCCEEDED]],
          ]);
        }
        const rerun = [...runs].filter(([, count]) => count > 1).map(([task]) => task);
        console.log(
          `crash-restart: ${succeededBeforeKill.size} tasks had succeeded and ${unfinishedAtKill.size} were queued or ` +
            `running at the kill; ${rerun.length} ran again after the restart (system retries): ${rerun.join(", ")}`,
        );

        expect(await second.kill("SIGTERM")).toEqual({ code: 0, signal: null });
      },
    );
  },
);
