import { existsSync, readFileSync } from "node:fs";
import { lstat, mkdir, readlink, rm, symlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The packages of Aloft a bundle leaves external and the runtime provides. */
export const RUNTIME_PACKAGES: readonly string[] = ["@aloft/sdk", "@aloft/idl", "@aloft/storage", "@aloft/compiler"];

function packageRootAbove(file: string, name: string): string | undefined {
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === name) return dir;
      } catch {
        // An unreadable package.json is not the one we look for.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where this process's copy of each runtime package is (the folder holding its package.json). */
export function runtimePackageRoots(): Map<string, string> {
  const roots = new Map<string, string>();
  for (const name of RUNTIME_PACKAGES) {
    let entry: string;
    try {
      entry = name === "@aloft/sdk" ? fileURLToPath(import.meta.url) : createRequire(import.meta.url).resolve(name);
    } catch {
      continue;
    }
    const root = packageRootAbove(entry, name);
    if (root !== undefined) roots.set(name, root);
  }
  return roots;
}

/**
 * Makes `<dir>/node_modules/@aloft/*` point at this process's copies of the SDK's packages, so an
 * unpacked bundle's `import "@aloft/sdk"` resolves to the very SDK that runs it (one registry, one
 * copy of every class). Existing links are replaced; real folders (a vendored SDK) are left alone.
 */
export async function linkSdkPackages(dir: string): Promise<void> {
  for (const [name, target] of runtimePackageRoots()) {
    const link = join(dir, "node_modules", ...name.split("/"));
    const info = await lstat(link).catch(() => undefined);
    if (info !== undefined) {
      if (!info.isSymbolicLink()) continue;
      if (resolve(dirname(link), await readlink(link)) === target) continue;
      await rm(link, { force: true });
    }
    await mkdir(dirname(link), { recursive: true });
    await symlink(target, link, "junction").catch((error: NodeJS.ErrnoException) => {
      // Another worker linked it first.
      if (error.code !== "EEXIST") throw error;
    });
  }
}
