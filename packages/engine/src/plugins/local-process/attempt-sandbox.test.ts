import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pidFileOf, readStartedProcess, SandboxPool, sandboxDirs } from "./attempt-sandbox.js";

describe("SandboxPool", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aloft-sandbox-pool-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pooled = () => (existsSync(join(dir, ".clean")) ? readdirSync(join(dir, ".clean")) : []);

  it("makes a fresh sandbox with an empty working directory when the pool is empty", () => {
    const pool = new SandboxPool(dir, 4);
    const dirs = sandboxDirs(join(dir, "a"));
    pool.create(dirs);
    expect(statSync(dirs.work).isDirectory()).toBe(true);
    expect(readdirSync(dirs.work)).toEqual([]);
  });

  it("keeps a sandbox the task left untouched and hands it to the next attempt", async () => {
    const pool = new SandboxPool(dir, 4);
    const first = sandboxDirs(join(dir, "a"));
    pool.create(first);
    writeFileSync(
      pidFileOf(first),
      JSON.stringify({ pid: 1, procStat: "1 (true) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 77" }),
    );
    expect(readStartedProcess(first.root)).toEqual({ pid: 1, startTicks: 77 });
    const inode = statSync(first.root).ino;
    await pool.release(first.root);
    expect(existsSync(first.root)).toBe(false);
    expect(pooled()).toHaveLength(1);

    const second = sandboxDirs(join(dir, "b"));
    pool.create(second);
    expect(statSync(second.root).ino).toBe(inode);
    expect(readdirSync(second.work)).toEqual([]);
    expect(pooled()).toHaveLength(0);
  });

  it("removes a sandbox the task wrote into", async () => {
    const pool = new SandboxPool(dir, 4);
    const dirs = sandboxDirs(join(dir, "a"));
    pool.create(dirs);
    writeFileSync(join(dirs.work, "result.csv"), "1,2\n");
    await pool.release(dirs.root);
    expect(existsSync(dirs.root)).toBe(false);
    expect(pooled()).toHaveLength(0);
  });

  it("keeps at most its maximum and finds what an earlier engine kept", async () => {
    const pool = new SandboxPool(dir, 2);
    const all = ["a", "b", "c"].map((name) => sandboxDirs(join(dir, name)));
    for (const dirs of all) pool.create(dirs);
    for (const dirs of all) await pool.release(dirs.root);
    expect(pooled()).toHaveLength(2);
    for (const dirs of all) expect(existsSync(dirs.root)).toBe(false);

    const restarted = new SandboxPool(dir, 2);
    restarted.create(sandboxDirs(join(dir, "d")));
    expect(pooled()).toHaveLength(1);
  });

  it("never hands a kept sandbox over one an earlier try of the attempt left", async () => {
    const pool = new SandboxPool(dir, 4);
    const others = ["x", "y"].map((name) => sandboxDirs(join(dir, name)));
    for (const other of others) pool.create(other);
    for (const other of others) await pool.release(other.root);

    const dirs = sandboxDirs(join(dir, "a"));
    pool.create(dirs);
    writeFileSync(join(dirs.work, "left-over"), "x");
    // The engine crashed before saving; the same attempt starts again.
    pool.create(dirs);
    expect(readdirSync(dirs.work)).toEqual([]);
    expect(pooled()).toHaveLength(1);
  });
});
