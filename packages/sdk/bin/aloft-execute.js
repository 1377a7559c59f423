#!/usr/bin/env node
// pyflyte-execute's counterpart, run in task containers: see src/entrypoint/execute-task-entrypoint.ts.
import { executeTaskEntrypoint } from "../dist/entrypoint/index.js";

const result = await executeTaskEntrypoint(process.argv.slice(2), process.env, {
  log: (line) => process.stderr.write(`${line}\n`),
});
// Exit now: timers or sockets the task left open must not keep the container alive.
process.exit(result.exitCode);
