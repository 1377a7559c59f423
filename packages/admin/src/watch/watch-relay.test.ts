/**
 * Two admin processes on one PostgreSQL schema: changes ingested by one reach watchers of the other through
 * `LISTEN`/`NOTIFY`. (Both run in this process, each with its own feed, pool and `LISTEN` connection, exactly as
 * two processes would.)
 */
import { join } from "node:path";
import { Writable } from "node:stream";
import { postgresChannelName } from "@aloft/db";
import { makeTempDir, TEST_POSTGRES_URL, testSchemaName } from "@aloft/test-helpers";
import { type Kysely, sql } from "kysely";
import type { WatchExecutionEvent } from "@aloft/idl/gen/aloft/admin/watch_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdminService, createAdminService } from "../create-admin-service.js";
import { startIntegrationAdmin, type IntegrationAdmin } from "../integration/integration-harness.test-helper.js";
import { createAdminLogger } from "../server/create-logger.js";
import { AdminMetrics } from "../server/metrics.js";
import { createPostgresExecutionChangeFeed, EXECUTION_CHANGES_CHANNEL } from "./postgres-execution-change-feed.js";
import {
  engineFor,
  launch,
  NodeExecution_Phase,
  registerLaunchPlan,
  watchClient,
  WorkflowExecution_Phase,
} from "./watch-harness.test-helper.js";

function summary(message: WatchExecutionEvent): string {
  const event = message.event;
  if (event.case === "execution") return `execution ${WorkflowExecution_Phase[event.value.closure!.phase]}`;
  if (event.case === "nodeExecution") {
    return `node ${event.value.id!.nodeId} ${NodeExecution_Phase[event.value.closure!.phase]}`;
  }
  if (event.case === "end") return `end ${WorkflowExecution_Phase[event.value.phase]}`;
  return event.case ?? "?";
}

describe.skipIf(TEST_POSTGRES_URL === undefined)("execution changes across admin processes [postgres]", () => {
  let first: { admin: IntegrationAdmin; stop(): Promise<void> };
  let second: AdminService;
  let secondUrl: string;

  let secrets: { path: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    secrets = await makeTempDir("aloft-watch-relay-");
    first = await startIntegrationAdmin("postgres");
    const config = first.admin.service.config;
    second = await createAdminService({
      config,
      logger: createAdminLogger({ level: "warn", destination: new Writable({ write: (_c, _e, done) => done() }) }),
      metrics: new AdminMetrics({ defaultMetrics: false }),
      secretsDir: join(secrets.path, "secrets"),
    });
    secondUrl = (await second.server.listen()).url;
    await registerLaunchPlan(first.admin.grpc);
  });
  afterAll(async () => {
    await second?.close();
    await first?.stop();
    await secrets?.cleanup();
  });

  it("streams to a watcher of one admin what the engine reports to the other", async () => {
    const id = await launch(first.admin.grpc, "relay-live");
    const engine = engineFor(first.admin.grpc, id);
    const stream = watchClient(secondUrl).watchExecution({ id })[Symbol.asyncIterator]();
    const next = async () => summary((await stream.next()).value!);

    expect(await next()).toBe("execution UNDEFINED");
    await engine.workflow(WorkflowExecution_Phase.RUNNING);
    expect(await next()).toBe("execution RUNNING");
    await engine.node("n0", NodeExecution_Phase.RUNNING);
    expect(await next()).toBe("node n0 RUNNING");
    await engine.node("n0", NodeExecution_Phase.SUCCEEDED);
    await engine.workflow(WorkflowExecution_Phase.SUCCEEDED);
    const rest: string[] = [];
    for (let result = await stream.next(); result.done !== true; result = await stream.next()) {
      rest.push(summary(result.value));
    }
    expect(rest).toEqual(["node n0 SUCCEEDED", "execution SUCCEEDED", "end SUCCEEDED"]);
  });

  /** How many times each admin's subscribers to execution `name` heard of it while `act` changed it through the first. */
  async function timesHeard(name: string, act: () => Promise<unknown>): Promise<{ first: number; second: number }> {
    const id = { project: "admintests", domain: "development", name };
    const heard = { first: 0, second: 0 };
    const stopFirst = first.admin.service.executionChanges.subscribe(id, () => (heard.first += 1));
    const arrived = new Promise<void>((resolve) => {
      const stopSecond = second.executionChanges.subscribe(id, () => {
        heard.second += 1;
        stopSecond();
        resolve();
      });
    });
    await act();
    await arrived;
    // The second admin answers with a marker: PostgreSQL delivers it to the first admin after anything the first
    // admin sent before, so once the marker is heard, a wrongly re-delivered change would have been counted.
    const marker = { ...id, name: `${name}-marker` };
    const markerArrived = new Promise<void>((resolve) => {
      const stop = first.admin.service.executionChanges.subscribe(marker, () => {
        stop();
        resolve();
      });
    });
    second.executionChanges.publish({ kind: "execution", executionId: marker });
    await markerArrived;
    stopFirst();
    return heard;
  }

  it("delivers a change once to the publishing admin's watchers and once to the other's", async () => {
    const heard = await timesHeard("relay-count", async () =>
      first.admin.service.executionChanges.publish({
        kind: "execution",
        executionId: { project: "admintests", domain: "development", name: "relay-count" },
      }),
    );
    expect(heard).toEqual({ first: 1, second: 1 });
  });

  it("announces an execution created through one admin to the other's watchers once, from the creating statement", async () => {
    const heard = await timesHeard("relay-created", () => launch(first.admin.grpc, "relay-created"));
    expect(heard).toEqual({ first: 1, second: 1 });
  });

  it("tells every watcher to re-read after the LISTEN connection was lost", async () => {
    const database = first.admin.service.database;
    const schema = testSchemaName("aloft_resync");
    const feed = await createPostgresExecutionChangeFeed({
      db: database.db as Kysely<unknown>,
      connection: database.postgresConnection!,
      schema,
      logger: createAdminLogger({ level: "silent" }),
      reconnectDelayMs: 10,
    });
    try {
      const id = { project: "p", domain: "d", name: "resync" };
      const resynced = new Promise<unknown>((resolve) => feed.subscribe(id, resolve));
      const channel = postgresChannelName(EXECUTION_CHANGES_CHANNEL, schema);
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where query = ${`LISTEN "${channel}"`}`.execute(
        database.db,
      );
      expect(await resynced).toEqual({ kind: "resync", executionId: id });
    } finally {
      await feed.close();
    }
  });
});
