/*
 * Whether a task's program can be started, checked before the launch: the launcher reports a failed start
 * only after the round that asked for it, and a program that is not installed should fail the attempt in
 * its first round, as it always did. Found programs are remembered (a check per task start would cost a
 * few `access` calls each); a program that vanishes later still fails, through the launcher.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

/** Why a program cannot be started: `ENOENT` (nowhere on PATH) or `EACCES` (found, not executable). */
export interface ProgramMissing {
  errno: "ENOENT" | "EACCES";
  message: string;
}

const FOUND_CACHE_LIMIT = 1000;

/** Finds programs as `execvp` does: names with a `/` relative to the working directory, others on PATH. */
export class ProgramLookup {
  readonly #found = new Set<string>();

  /** `undefined` when `program` can be started with `env`'s PATH from `cwd`; else why not. */
  check(program: string, env: Readonly<Record<string, string>>, cwd: string): ProgramMissing | undefined {
    if (program.includes("/")) {
      const path = isAbsolute(program) ? program : resolve(cwd, program);
      return executable(path) ?? undefined;
    }
    const searchPath = env.PATH ?? process.env.PATH ?? "";
    const key = `${searchPath}\0${program}`;
    if (this.#found.has(key)) return undefined;
    let denied = false;
    for (const dir of searchPath.split(delimiter)) {
      if (dir === "") continue;
      const problem = executable(join(dir, program));
      if (problem === undefined) {
        if (this.#found.size >= FOUND_CACHE_LIMIT) this.#found.clear();
        this.#found.add(key);
        return undefined;
      }
      if (problem.errno === "EACCES") denied = true;
    }
    return denied
      ? { errno: "EACCES", message: `spawn ${program} EACCES` }
      : { errno: "ENOENT", message: `spawn ${program} ENOENT` };
  }
}

function executable(path: string): ProgramMissing | undefined {
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EACCES" || code === "EPERM"
      ? { errno: "EACCES", message: `spawn ${path} EACCES` }
      : { errno: "ENOENT", message: `spawn ${path} ENOENT` };
  }
}
