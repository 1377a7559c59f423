import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openSqlite } from "./open-sqlite.js";
import { CHECKPOINT_EVERY_COMMITS, createSqliteCheckpointer } from "./sqlite-checkpointer.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempPath(): Promise<string> {
  const dir = await makeTempDir("aloft-checkpoint-");
  cleanups.push(dir.cleanup);
  return join(dir.path, "test.db");
}

describe("background WAL checkpoints", () => {
  it("copy committed pages into the database file long before SQLite's own checkpoint would", async () => {
    const path = await tempPath();
    const db = openSqlite({ path });
    cleanups.push(() => db.close());
    db.prepare("create table t (id integer primary key, body blob)").run([]);
    const sizeBefore = statSync(path).size;
    const insert = db.prepare("insert into t (body) values (?)");
    // ~60 pages in all: far below the 1,000 pages at which SQLite checkpoints inside a commit.
    for (let i = 0; i < CHECKPOINT_EVERY_COMMITS + 10; i++) insert.run([Buffer.alloc(2000, i)]);
    const written = (CHECKPOINT_EVERY_COMMITS + 10) * 2000;
    await vi.waitFor(() => expect(statSync(path).size - sizeBefore).toBeGreaterThan(written * 0.8), {
      timeout: 20_000,
      interval: 20,
    });
    expect(existsSync(`${path}-wal`)).toBe(true);
  });

  it("count the COMMIT that ends a transaction (a statement SQLite calls read-only)", async () => {
    const path = await tempPath();
    const db = openSqlite({ path });
    cleanups.push(() => db.close());
    db.prepare("create table t (id integer primary key, body blob)").run([]);
    const sizeBefore = statSync(path).size;
    const begin = db.prepare("begin");
    const insert = db.prepare("insert into t (body) values (?)");
    const commit = db.prepare("commit");
    for (let i = 0; i < CHECKPOINT_EVERY_COMMITS; i++) {
      begin.run([]);
      insert.run([Buffer.alloc(2000, i)]);
      commit.run([]);
    }
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(sizeBefore), { timeout: 20_000, interval: 20 });
  });

  it("report a worker that cannot checkpoint, so the writer goes back to checkpointing itself", async () => {
    const onFailure = vi.fn();
    const checkpointer = createSqliteCheckpointer({
      path: join(await tempPath(), "missing", "nothing.db"),
      busyTimeoutMs: 100,
      onFailure,
    });
    cleanups.push(() => checkpointer.close());
    for (let i = 0; i < CHECKPOINT_EVERY_COMMITS; i++) checkpointer.committed();
    await vi.waitFor(() => expect(onFailure).toHaveBeenCalledTimes(1), { timeout: 20_000, interval: 20 });
    expect(String(onFailure.mock.calls[0]![0])).toMatch(/background checkpoint of .*nothing\.db failed/);
    // Once failed, it stays quiet.
    for (let i = 0; i < 2 * CHECKPOINT_EVERY_COMMITS; i++) checkpointer.committed();
    expect(onFailure).toHaveBeenCalledTimes(1);
  });
});
