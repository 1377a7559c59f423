#!/usr/bin/env node
// pyflyte-fast-execute's counterpart: fetches the code bundle, then runs aloft-execute in this process.
import { fastExecuteEntrypoint } from "../dist/entrypoint/index.js";

const exitCode = await fastExecuteEntrypoint(process.argv.slice(2), process.env, {
  log: (line) => process.stderr.write(`${line}\n`),
});
// Exit now: timers or sockets the task left open must not keep the container alive.
process.exit(exitCode);
