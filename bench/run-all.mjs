// Runs every benchmark in this folder, one after another, and fails if any misses its target.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const script of scripts) {
  console.log(`== ${script}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", join(dir, script)], { stdio: "inherit" });
  if (run.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
