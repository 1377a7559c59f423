/**
 * Private helpers for Aloft's own tests (never imported by shipped code).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding the root package.json). */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Aloft's own golden files (`fixtures/` in the repository). */
export const aloftFixturesDir: string = join(repoRoot, "fixtures");

/**
 * `../shared/fixtures` beside the repository, holding real packages written by Flyte's Python SDK,
 * or `undefined` on a fresh clone that lacks it. Override with `ALOFT_SHARED_FIXTURES`.
 */
export function findSharedFixtures(): string | undefined {
  const dir = process.env.ALOFT_SHARED_FIXTURES ?? join(repoRoot, "..", "shared", "fixtures");
  return existsSync(dir) ? dir : undefined;
}

/** The message tests print when they skip for lack of the shared fixtures. */
export const SHARED_FIXTURES_MISSING =
  "skipped: ../shared/fixtures (Flyte-made packages) is not beside this checkout; set ALOFT_SHARED_FIXTURES to its path";

/** A fresh temporary directory and a function that removes it. */
export async function makeTempDir(prefix = "aloft-test-"): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export { describeEachDialect, DIALECTS, TEST_POSTGRES_URL, testSchemaName } from "./test-dialects.js";
export type { ResettableDatabase, TestDialect, TestDialectName } from "./test-dialects.js";
