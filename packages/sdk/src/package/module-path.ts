import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { AloftError } from "@aloft/idl";

/**
 * The nearest folder at or above `from` holding a `package.json`, or `undefined` when there is none up
 * to the filesystem root.
 */
export function findPackageRoot(from: string): string | undefined {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The project root of some module files: the nearest folder with a `package.json` above the first
 * file (pyflyte looks for the first folder without `__init__.py`), or that file's folder when there is
 * none.
 *
 * @throws AloftError `InvalidArgument` when some file is not under that root.
 */
export function projectRootOf(files: readonly string[]): string {
  const first = files[0];
  if (first === undefined) throw AloftError.invalidArgument("no module files to load");
  const root = findPackageRoot(dirname(first)) ?? dirname(first);
  for (const file of files) modulePathOf(root, file);
  return root;
}

/**
 * A module's path as entity locations and container args use it: relative to `root`, `/`-separated,
 * without its extension (`examples/hello.ts` → `examples/hello`).
 *
 * @throws AloftError `InvalidArgument` when `file` is not under `root`.
 */
export function modulePathOf(root: string, file: string): string {
  const rel = relative(root, file);
  if (rel === "" || rel.startsWith("..") || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel)) {
    throw AloftError.invalidArgument(`${file} is not inside the project root ${root}; pass the root explicitly`);
  }
  return rel
    .split(sep)
    .join("/")
    .replace(/\.[cm]?[jt]sx?$/, "");
}
