/**
 * Admin's request latency and throughput through a gRPC client (run after `npm run build`):
 *
 *   node --import tsx bench/admin.ts [--db sqlite|postgres]
 *
 * Starts a real admin (`createAdminService`, port 0) per database in its own process (this file, forked with
 * `--serve-admin`), as `aloft serve admin` runs, registers a task, a workflow and a launch plan, then measures over
 * gRPC (h2c) from this process, through h2load when installed, else a lean Node load generator (`lib/h2load.ts`,
 * `lib/grpc-load.ts`; the Node generator's and connect-node's figures are printed beside): CreateExecution p50
 * (target ≤ 3 ms) and GetExecution p50 (≤ 1 ms) one call at a time, CreateExecution throughput at concurrency 16
 * (≥ 1,000/s), and, after inserting 100,000 executions, ListExecutions (connect-node)
 * with limit 100, a phase filter and a created_at sort, p99 (≤ 50 ms). Runs SQLite, plus PostgreSQL when
 * `ALOFT_BENCH_POSTGRES_URL` or `ALOFT_TEST_POSTGRES_URL` is set (or as `--db` says). Exits non-zero on a miss.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileAdminConfig, createAdminService, type AdminService } from "@aloft/admin";
import { create, toBinary } from "@bufbuild/protobuf";
import { stringLiteral, stringType } from "@aloft/idl";
import { Sort_Direction } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  ExecutionCreateRequestSchema,
  WorkflowExecutionGetRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { AdminService as AdminServiceDesc } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { sql } from "kysely";
import pg from "pg";
import { runUnaryLoad } from "./lib/grpc-load.js";
import { h2loadInstalled, runH2load } from "./lib/h2load.js";
import { percentile } from "./lib/stats.js";

type Dialect = "sqlite" | "postgres";

const TARGETS = { createP50Ms: 3, getP50Ms: 1, listP99Ms: 50, createsPerSecond: 1_000 };
const SAMPLES = 2_000;
const WARM_UP = 300;
const THROUGHPUT_CREATES = 4_000;
const CONCURRENCY = 16;
const LIST_ROWS = 100_000;
const LIST_SAMPLES = 300;
const PROJECT = "bench";
const DOMAIN = "development";
const VERSION = "v1";
/** `getconf CLK_TCK`, 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Whether the targets are measured with h2load ({@link runH2load}) rather than the Node load generator. */
const useH2load = !process.argv.includes("--serve-admin") && h2loadInstalled();

const postgresUrl = process.env.ALOFT_BENCH_POSTGRES_URL || process.env.ALOFT_TEST_POSTGRES_URL || undefined;

function parseDialects(argv: readonly string[]): Dialect[] {
  const at = argv.indexOf("--db");
  if (at >= 0) {
    const value = argv[at + 1];
    if (value !== "sqlite" && value !== "postgres") throw new Error("--db takes sqlite or postgres");
    if (value === "postgres" && postgresUrl === undefined) {
      throw new Error("--db postgres needs ALOFT_BENCH_POSTGRES_URL or ALOFT_TEST_POSTGRES_URL");
    }
    return [value];
  }
  return postgresUrl === undefined ? ["sqlite"] : ["sqlite", "postgres"];
}

async function timed(times: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

const id = (resourceType: ResourceType, name: string) => ({
  resourceType,
  project: PROJECT,
  domain: DOMAIN,
  name,
  version: VERSION,
});
const taskId = id(ResourceType.TASK, "bench.task");
const workflowId = id(ResourceType.WORKFLOW, "bench.workflow");
const launchPlanId = id(ResourceType.LAUNCH_PLAN, "bench.launch_plan");
const fooInterface = {
  inputs: { variables: { foo: { type: stringType() } } },
  outputs: { variables: { bar: { type: stringType() } } },
};

async function register(client: Client<typeof AdminServiceDesc>): Promise<void> {
  await client.createTask({
    id: taskId,
    spec: {
      template: {
        id: taskId,
        type: "python-task",
        metadata: { runtime: { version: "1.0.0" } },
        interface: fooInterface,
        target: { case: "container", value: { image: "python:3.11", args: ["pyflyte-execute"] } },
      },
    },
  });
  await client.createWorkflow({
    id: workflowId,
    spec: {
      template: {
        id: workflowId,
        interface: fooInterface,
        nodes: [
          {
            id: "n0",
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
  await client.createLaunchPlan({
    id: launchPlanId,
    spec: {
      workflowId,
      defaultInputs: {
        parameters: { foo: { var: { type: stringType() }, behavior: { case: "default", value: stringLiteral("x") } } },
      },
    },
  });
}

function createRequest(name?: string) {
  return {
    project: PROJECT,
    domain: DOMAIN,
    ...(name === undefined ? {} : { name }),
    spec: { launchPlan: launchPlanId },
    inputs: { literals: { foo: stringLiteral("hello") } },
  };
}

/** CPU time (user + system) process `pid` has used, in ms (Linux `/proc`). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Inserts `count` executions copied from an existing one, in batches, with varied phases and times. */
async function insertExecutions(service: AdminService, count: number): Promise<void> {
  const db = service.database.db;
  const template = await db.selectFrom("executions").selectAll().limit(1).executeTakeFirstOrThrow();
  const { id: _id, ...columns } = template;
  const phases = ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "RUNNING", "ABORTED", "QUEUED"];
  const start = Date.parse("2024-01-01T00:00:00Z");
  const batchSize = 500;
  for (let offset = 0; offset < count; offset += batchSize) {
    const rows = [];
    for (let i = offset; i < Math.min(count, offset + batchSize); i++) {
      const at = new Date(start + i * 1_000).toISOString().replace("Z", "000Z");
      rows.push({
        ...columns,
        execution_name: `l${i.toString(36).padStart(8, "0")}`,
        phase: phases[i % phases.length]!,
        execution_created_at: at,
        execution_updated_at: at,
        created_at: at,
        updated_at: at,
      });
    }
    await db.transaction().execute((tx) => tx.insertInto("executions").values(rows).execute());
  }
}

interface Result {
  name: string;
  value: number;
  unit: string;
  target: number;
  ok: boolean;
}

/** Messages between this process and the forked admin. */
type ToAdmin =
  | { start: { dialect: Dialect; dir: string; schema?: string } }
  | { insert: number }
  | { analyze: true }
  | { close: true };
type FromAdmin =
  { url: string } | { inserted: number; seconds: number } | { analyzed: true } | { closed: true } | { error: string };

/** The forked admin's side: builds and runs the service, inserts rows when asked. */
async function serveAdmin(): Promise<void> {
  let service: AdminService | undefined;
  const send = (message: FromAdmin) => process.send!(message);
  process.on("message", (message: ToAdmin) => {
    void (async () => {
      try {
        if ("start" in message) {
          const { dialect, dir, schema } = message.start;
          const config = compileAdminConfig(
            {
              server: { host: "127.0.0.1", port: 0 },
              database:
                dialect === "postgres"
                  ? { url: postgresUrl!, schema: schema! }
                  : { url: `sqlite://${join(dir, "admin.db")}` },
              storage: { root: join(dir, "blobs"), signingSecret: "a benchmark signing secret" },
              logger: { level: "warn" },
              seedProjects: [PROJECT],
            },
            { homeDir: dir },
          );
          service = await createAdminService({ config, secretsDir: join(dir, "secrets") });
          send({ url: (await service.server.listen()).url });
        } else if ("analyze" in message) {
          // Table statistics as a running database has them (autovacuum analyzes within a minute or so); without
          // them PostgreSQL plans lookups on a table that grew from empty as if it were still empty.
          await sql`ANALYZE`.execute(service!.database.db);
          send({ analyzed: true });
        } else if ("insert" in message) {
          const started = performance.now();
          await insertExecutions(service!, message.insert);
          send({ inserted: message.insert, seconds: (performance.now() - started) / 1000 });
        } else {
          await service?.close();
          send({ closed: true });
          process.exit(0);
        }
      } catch (error) {
        send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}

/** A forked admin and a way to ask it things. */
function forkAdmin(): { child: ChildProcess; ask: (message: ToAdmin) => Promise<FromAdmin> } {
  const child = fork(fileURLToPath(import.meta.url), ["--serve-admin"], { execArgv: ["--import", "tsx"] });
  const ask = (message: ToAdmin) =>
    new Promise<FromAdmin>((resolve, reject) => {
      child.once("message", (reply: FromAdmin) => ("error" in reply ? reject(new Error(reply.error)) : resolve(reply)));
      child.send(message);
    });
  return { child, ask };
}

/**
 * Removes what {@link benchDialect} left, once every dialect ran: on an ext4 file system without a journal, creating
 * files stays several times slower for minutes after a mass delete (bench/README.md), which would slow the next
 * dialect's blob writes.
 */
const cleanups: (() => Promise<void>)[] = [];

async function benchDialect(dialect: Dialect): Promise<Result[]> {
  const dir = await mkdtemp(join(tmpdir(), "aloft-bench-admin-"));
  const schema = dialect === "postgres" ? `aloft_bench_${randomBytes(5).toString("hex")}` : undefined;
  const admin = forkAdmin();
  try {
    const started = await admin.ask({ start: { dialect, dir, ...(schema === undefined ? {} : { schema }) } });
    if (!("url" in started)) throw new Error("the admin did not start");
    const client = createClient(AdminServiceDesc, createGrpcTransport({ baseUrl: started.url }));
    await register(client);

    const methodPath = (method: string) => `/${AdminServiceDesc.typeName}/${method}`;
    const load = (method: string, messages: readonly Uint8Array[], calls: number, concurrency: number) =>
      runUnaryLoad({ baseUrl: started.url, path: methodPath(method), messages, calls, concurrency });
    const createPath = AdminServiceDesc.method.createExecution.name;
    const createMessage = toBinary(ExecutionCreateRequestSchema, create(ExecutionCreateRequestSchema, createRequest()));

    // Latencies one call at a time through the Node load generator (held to the targets unless h2load is installed),
    // then the same calls through connect-node, whose own CPU per call is most of what it adds.
    await load(createPath, [createMessage], WARM_UP, 1);
    await admin.ask({ analyze: true });
    const creates = (await load(createPath, [createMessage], SAMPLES, 1)).latenciesMs;
    const connectCreates = await timed(SAMPLES / 4, () => client.createExecution(createRequest()));
    const names: string[] = [];
    for (let i = 0; i < 100; i++) names.push((await client.createExecution(createRequest())).id!.name);
    const getPath = AdminServiceDesc.method.getExecution.name;
    const getMessages = names.map((name) =>
      toBinary(
        WorkflowExecutionGetRequestSchema,
        create(WorkflowExecutionGetRequestSchema, { id: { project: PROJECT, domain: DOMAIN, name } }),
      ),
    );
    await load(getPath, getMessages, WARM_UP, 1);
    const gets = (await load(getPath, getMessages, SAMPLES, 1)).latenciesMs;
    const connectGets = await timed(SAMPLES / 4, (i) =>
      client.getExecution({ id: { project: PROJECT, domain: DOMAIN, name: names[i % names.length]! } }),
    );
    // With h2load installed the targets are measured with it (a C client: next to no CPU of its own per call to take
    // from admin on two cores); the Node load generator's figures are printed beside.
    const h2 = (method: string, message: Uint8Array, calls: number, concurrency: number) =>
      runH2load({ baseUrl: started.url, path: methodPath(method), message, calls, concurrency });
    const h2Latencies = useH2load
      ? {
          creates: (await h2(createPath, createMessage, SAMPLES, 1)).latenciesMs,
          gets: (await h2(getPath, getMessages[0]!, SAMPLES, 1)).latenciesMs,
        }
      : undefined;
    console.log(
      `  (${dialect}: ` +
        (useH2load
          ? `with the Node load generator in h2load's place, CreateExecution p50 ${percentile(creates, 50).toFixed(2)} ms, ` +
            `GetExecution p50 ${percentile(gets, 50).toFixed(2)} ms; `
          : "") +
        `with a connect-node client, CreateExecution p50 ${percentile(connectCreates, 50).toFixed(2)} ms, ` +
        `GetExecution p50 ${percentile(connectGets, 50).toFixed(2)} ms)`,
    );

    // Throughput through the Node load generator (held to the target unless h2load is installed), then through
    // connect-node and h2load.
    const adminCpu = processCpuMs(admin.child.pid!);
    const throughput = await load(createPath, [createMessage], THROUGHPUT_CREATES, CONCURRENCY);
    const adminCpuPerCreate = (processCpuMs(admin.child.pid!) - adminCpu) / THROUGHPUT_CREATES;
    let next = 0;
    const connectStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < THROUGHPUT_CREATES) {
          next++;
          await client.createExecution(createRequest());
        }
      }),
    );
    const connectPerSecond = THROUGHPUT_CREATES / ((performance.now() - connectStart) / 1000);
    const h2Throughput = useH2load ? await h2(createPath, createMessage, THROUGHPUT_CREATES, CONCURRENCY) : undefined;
    console.log(
      `  (${dialect}: CreateExecution at concurrency ${CONCURRENCY}: ${Math.round(throughput.callsPerSecond).toLocaleString("en")}/s ` +
        `with the load generator (admin ${adminCpuPerCreate.toFixed(2)} ms, load generator ${throughput.clientCpuMsPerCall.toFixed(2)} ms of CPU per create); ` +
        `${Math.round(connectPerSecond).toLocaleString("en")}/s with a connect-node client in the load generator's place` +
        (h2Throughput === undefined
          ? ""
          : `; ${Math.round(h2Throughput.callsPerSecond).toLocaleString("en")}/s with h2load`) +
        ")",
    );

    const existing =
      WARM_UP + SAMPLES + SAMPLES / 4 + 100 + 2 * THROUGHPUT_CREATES + (useH2load ? SAMPLES + THROUGHPUT_CREATES : 0);
    const inserted = await admin.ask({ insert: LIST_ROWS - existing });
    if (!("inserted" in inserted)) throw new Error("the admin did not insert");
    await admin.ask({ analyze: true });
    const listRequest = {
      id: { project: PROJECT, domain: DOMAIN },
      limit: 100,
      filters: "eq(phase,SUCCEEDED)",
      sortBy: { key: "created_at", direction: Sort_Direction.DESCENDING },
    };
    const first = await client.listExecutions(listRequest);
    if (first.executions.length !== 100) throw new Error(`ListExecutions returned ${first.executions.length} rows`);
    for (let i = 0; i < 20; i++) await client.listExecutions(listRequest);
    const lists = await timed(LIST_SAMPLES, (i) =>
      client.listExecutions({ ...listRequest, token: i % 2 === 0 ? "" : String((i % 50) * 100) }),
    );
    const joined = await timed(50, () =>
      client.listExecutions({ ...listRequest, filters: "eq(phase,SUCCEEDED)+eq(launch_plan.name,bench.launch_plan)" }),
    );
    console.log(
      `  (${dialect}: ${LIST_ROWS.toLocaleString("en")} executions, ${inserted.inserted.toLocaleString("en")} inserted in ${inserted.seconds.toFixed(1)} s; ` +
        `with a launch_plan join filter ListExecutions p99 ${percentile(joined, 99).toFixed(2)} ms)`,
    );

    const result = (name: string, value: number, unit: string, target: number, higherIsBetter = false): Result => ({
      name: `${name} [${dialect}]`,
      value,
      unit,
      target,
      ok: higherIsBetter ? value >= target : value <= target,
    });
    return [
      result("CreateExecution p50", percentile(h2Latencies?.creates ?? creates, 50), "ms", TARGETS.createP50Ms),
      result("GetExecution p50", percentile(h2Latencies?.gets ?? gets, 50), "ms", TARGETS.getP50Ms),
      result("ListExecutions p99 (100k, limit 100, filter, sort)", percentile(lists, 99), "ms", TARGETS.listP99Ms),
      result(
        `CreateExecution throughput (concurrency ${CONCURRENCY})`,
        (h2Throughput ?? throughput).callsPerSecond,
        "/s",
        TARGETS.createsPerSecond,
        true,
      ),
    ];
  } finally {
    await admin.ask({ close: true }).catch(() => admin.child.kill());
    cleanups.push(async () => {
      if (schema !== undefined) {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      await rm(dir, { recursive: true, force: true });
    });
  }
}

if (process.argv.includes("--serve-admin")) {
  await serveAdmin();
} else {
  await main();
}

/**
 * What creating a folder with a file in it costs on the disk the benchmark writes to, in µs: each CreateExecution
 * makes one (its inputs), and on this machine's ext4 (no journal) that cost goes from about 50 µs to several hundred
 * for minutes after many files were deleted (a test run, an earlier benchmark), which moves the figures above.
 */
function fileCreationMicros(): number {
  const dir = mkdtempSync(join(tmpdir(), "aloft-bench-disk-"));
  // Removed with the benchmark's data: deleting it now would slow the file creation the run measures.
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const count = 500;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    mkdirSync(join(dir, String(i)));
    writeFileSync(join(dir, String(i), "inputs"), "x");
  }
  return ((performance.now() - started) * 1000) / count;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  console.log(
    useH2load
      ? "  (the targets' calls are made by h2load)"
      : "  (h2load is not installed (Debian: nghttp2-client): the targets' calls are made by the Node load generator)",
  );
  try {
    console.log(
      `  (the benchmark's disk (${tmpdir()}): ${Math.round(fileCreationMicros())} µs to create a folder with a file in it)`,
    );
    for (const dialect of parseDialects(process.argv.slice(2))) results.push(...(await benchDialect(dialect)));
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
  let failed = 0;
  for (const r of results) {
    const value = r.unit === "/s" ? `${Math.round(r.value).toLocaleString("en")} /s` : `${r.value.toFixed(2)} ms`;
    const target = r.unit === "/s" ? `≥ ${r.target.toLocaleString("en")} /s` : `≤ ${r.target} ms`;
    console.log(`${r.name.padEnd(66)} ${value.padStart(12)}  (target ${target})  ${r.ok ? "ok" : "MISSED"}`);
    if (!r.ok) failed++;
  }
  process.exitCode = failed === 0 ? 0 : 1;
}
