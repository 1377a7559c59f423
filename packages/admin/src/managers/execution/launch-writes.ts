/**
 * The last step of a launch: hand the execution to the engine and record it, atomically (one transaction, or on
 * PostgreSQL one statement), in groups (group commit).
 *
 * Launches that arrive while a write is under way wait for it and then go together, in one transaction with one
 * multi-row insert per table: under load a transaction's fixed costs (BEGIN, COMMIT and its WAL flush, a round
 * trip per statement on PostgreSQL) are paid once per group instead of once per execution. A lone launch goes at
 * once, so nothing waits on a timer. If a group's transaction fails, each launch of it is written again on its
 * own, so one launch's error (a taken name, an engine refusal) is never another's.
 *
 * With {@link LaunchWriterDeps.creationNotice} (PostgreSQL), each creation's `NOTIFY` to other admin processes goes
 * in the same transaction or statement, so it is sent exactly when the execution commits and costs no statement of
 * its own.
 */
import {
  compiledQuery,
  type ExecutionRequest,
  notifyEachSql,
  type PostgresQueueHandOff,
  sqlParameters,
  type WorkflowExecutor,
} from "@aloft/db";
import type { NewExecutionRow } from "../../db/schema.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import type { ExecutionTag } from "../../repositories/execution-repo.js";
import type { AdminDbExecutor } from "../../repositories/admin-db-executor.js";
import type { ExecutionKey } from "../../repositories/keys.js";

/** One execution to record. */
export interface LaunchWrite {
  request: ExecutionRequest;
  /** The execution row, given the cluster the executor placed it on. */
  row: (cluster: string) => NewExecutionRow;
  tags: readonly ExecutionTag[];
}

/** Raised by {@link LaunchWriter.write} when the executor (not the database) refused the launch. */
export class LaunchRefused extends Error {
  constructor(readonly refusal: unknown) {
    super("the engine refused the launch", { cause: refusal });
  }
}

/** Writes launches. */
export interface LaunchWriter {
  /**
   * Hands `launch` off and records it, committed when this resolves.
   * @throws LaunchRefused when the executor refused it (nothing was written); the database's error otherwise.
   */
  write(launch: LaunchWrite): Promise<void>;
  /** Records an execution the executor refused (its row says why), without a hand-off. */
  writeRefused(execution: {
    executionId: ExecutionKey;
    row: NewExecutionRow;
    tags: readonly ExecutionTag[];
  }): Promise<void>;
}

/** A PostgreSQL `NOTIFY` (a channel and a payload). */
export interface LaunchNotice {
  channel: string;
  payload: string;
}

/** What {@link createLaunchWriter} writes with. */
export interface LaunchWriterDeps {
  repos: Repositories;
  executor: WorkflowExecutor;
  /** The `NOTIFY` that announces a new execution to other admin processes, sent in the launch's own transaction. */
  creationNotice?: (executionId: ExecutionKey) => LaunchNotice;
}

interface Waiting {
  launch: LaunchWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Most launches written in one transaction. */
const MAX_GROUP = 256;

/** A writer over `repos` and `executor`. */
export function createLaunchWriter(deps: LaunchWriterDeps): LaunchWriter {
  const { repos, executor, creationNotice } = deps;
  const noticesOf = (executionIds: readonly ExecutionKey[]): LaunchNotice[] =>
    creationNotice === undefined ? [] : executionIds.map(creationNotice);
  const idOf = (launch: LaunchWrite): ExecutionKey => launch.request.executionId;
  let waiting: Waiting[] = [];
  let writing = false;
  /** Set on PostgreSQL with the queue executor: each write is then one statement, without a transaction. */
  const handOff = repos.capabilities.supportsWritableCtes ? executor.postgresQueueHandOff : undefined;

  const writeOne = async (launch: LaunchWrite): Promise<void> => {
    if (handOff !== undefined) return writeInOneStatement([launch], handOff);
    // Set when the executor (not the database) refused: the transaction then rolled back, hand-off included.
    let refusal: { cause: unknown } | undefined;
    try {
      await repos.withTransaction(async (tx) => {
        let cluster: string;
        try {
          ({ cluster } = await executor.execute(launch.request, { transaction: tx.executor }));
        } catch (error) {
          refusal = { cause: error };
          throw error;
        }
        await tx.executions.create(launch.row(cluster), launch.tags);
        await notify(tx.executor, noticesOf([idOf(launch)]));
      });
    } catch (error) {
      throw refusal === undefined ? error : new LaunchRefused(refusal.cause);
    }
  };

  /** PostgreSQL with the queue executor: rows, hand-off and NOTIFY in one statement. */
  const writeInOneStatement = async (group: readonly LaunchWrite[], queue: PostgresQueueHandOff): Promise<void> => {
    let prepared: ReturnType<PostgresQueueHandOff["prepare"]>;
    try {
      prepared = queue.prepare(group.map((launch) => launch.request));
    } catch (error) {
      throw new LaunchRefused(error);
    }
    await repos.executions.createManyWithQueuedHandOff(
      group.map((launch, i) => ({ execution: launch.row(prepared.responses[i]!.cluster), tags: launch.tags })),
      { queue: prepared.items, channel: queue.channel, notices: noticesOf(group.map(idOf)) },
    );
  };

  const writeGroup = async (group: readonly LaunchWrite[]): Promise<void> => {
    if (handOff !== undefined) return writeInOneStatement(group, handOff);
    await repos.withTransaction(async (tx) => {
      const requests = group.map((launch) => launch.request);
      const placed =
        executor.executeMany === undefined
          ? await sequentially(requests, (request) => executor.execute(request, { transaction: tx.executor }))
          : await executor.executeMany(requests, { transaction: tx.executor });
      await tx.executions.createMany(
        group.map((launch, i) => ({ execution: launch.row(placed[i]!.cluster), tags: launch.tags })),
      );
      await notify(tx.executor, noticesOf(group.map(idOf)));
    });
  };

  const drain = async (): Promise<void> => {
    // `writing` is cleared in the same turn that finds the queue empty, so a launch queued later starts a drain.
    try {
      await drainQueue();
    } finally {
      writing = false;
    }
  };
  const drainQueue = async (): Promise<void> => {
    while (waiting.length > 0) {
      const group = waiting.slice(0, MAX_GROUP);
      waiting = waiting.slice(group.length);
      if (group.length === 1) {
        const [only] = group;
        await writeOne(only!.launch).then(only!.resolve, only!.reject);
        continue;
      }
      try {
        await writeGroup(group.map((w) => w.launch));
        for (const w of group) w.resolve();
      } catch {
        // Someone's launch failed the group: each is written (or fails) on its own.
        await Promise.all(group.map((w) => writeOne(w.launch).then(w.resolve, w.reject)));
      }
    }
  };

  return {
    async writeRefused({ executionId, row, tags }) {
      const notices = noticesOf([executionId]);
      if (notices.length === 0) {
        await repos.executions.create(row, tags);
        return;
      }
      await repos.withTransaction(async (tx) => {
        await tx.executions.create(row, tags);
        await notify(tx.executor, notices);
      });
    },
    write(launch) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ launch, resolve, reject });
        if (writing) return;
        writing = true;
        void drain();
      });
    },
  };
}

/** Sends `notices` in the transaction of `executor` (PostgreSQL delivers them when it commits). */
async function notify(executor: AdminDbExecutor, notices: readonly LaunchNotice[]): Promise<void> {
  if (notices.length === 0) return;
  const parameters = sqlParameters("postgres");
  await executor.executeQuery(compiledQuery(`select ${notifyEachSql(parameters, notices)}`, parameters.values));
}

async function sequentially<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await fn(item));
  return results;
}
