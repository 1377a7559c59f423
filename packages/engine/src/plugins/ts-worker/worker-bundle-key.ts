/*
 * Which warm workers may run a task: those that loaded the same code. A fast-registered task names its
 * code archive (`aloft-fast-execute --additional-distribution <uri>`); other tasks run code already in place,
 * named by the module path of the `aloft` resolver (`… -- module <path> task <name>`).
 */

const FAST_EXECUTE = "aloft-fast-execute";
const EXECUTE = "aloft-execute";

/** Whether a rendered command is one the TypeScript worker runs. */
export function isTsWorkerCommand(argv: readonly string[]): boolean {
  return argv[0] === FAST_EXECUTE || argv[0] === EXECUTE;
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return undefined;
    if (arg === flag) return argv[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

function isPlaceholder(value: string | undefined): boolean {
  return value === undefined || value === "" || /^{{.*}}$/.test(value.trim());
}

/** The module path the `aloft` resolver loads (`module <path>` after the last `--`). */
function modulePath(argv: readonly string[]): string | undefined {
  const separator = argv.lastIndexOf("--");
  const resolverArgs = argv.slice(separator + 1);
  const i = resolverArgs.indexOf("module");
  return i === -1 ? undefined : resolverArgs[i + 1];
}

/**
 * The key of the workers that may run `argv`: `bundle:<archive>[#<dest-dir>]` for a fast-registered task,
 * else `module:<codeDir>#<module path>`.
 */
export function workerBundleKey(argv: readonly string[], codeDir: string): string {
  if (argv[0] === FAST_EXECUTE) {
    const distribution = flagValue(argv.slice(1), "--additional-distribution");
    const destDir = flagValue(argv.slice(1), "--dest-dir");
    if (!isPlaceholder(distribution)) {
      return `bundle:${distribution as string}${isPlaceholder(destDir) ? "" : `#${destDir as string}`}`;
    }
  }
  return `module:${codeDir}#${modulePath(argv) ?? ""}`;
}
