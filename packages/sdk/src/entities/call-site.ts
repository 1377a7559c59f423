import { readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { CallSite } from "./entity.js";

// The SDK package folder: frames inside it are skipped so a call site is the user's line. It is the
// package root, not dist/, because with source maps on (vitest, --enable-source-maps) frames of the
// built SDK map back to src/.
const SDK_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/;
// The SDK's own tests sit beside its code; they are "user" code for the purpose of call sites.
const TEST_FILE = /\.test(-helper)?\.[cm]?[jt]s$/;

/**
 * Where the user code that called into the SDK is: the first stack frame outside the SDK (and outside
 * Node's internals), from `new Error().stack`, which tsx and vitest source-map to the `.ts` file.
 * `undefined` when no such frame exists (e.g. when called from the REPL).
 */
export function captureCallSite(): CallSite | undefined {
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = previousLimit;
  for (const line of stack.split("\n").slice(1)) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    const [, location = "", lineNo = "0", column = "0"] = m;
    const file = toPath(location);
    if (file === undefined || isSdkFile(file)) continue;
    return { file, line: Number(lineNo), column: Number(column) };
  }
  return undefined;
}

function toPath(location: string): string | undefined {
  if (location.startsWith("node:") || location.startsWith("internal/") || location === "native") return undefined;
  if (location.startsWith("file://")) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  return location.startsWith("/") || /^[A-Za-z]:[\\/]/.test(location) ? location : undefined;
}

function isSdkFile(file: string): boolean {
  if (file.includes(`${sep}node_modules${sep}`) && !file.includes(`${sep}@aloft${sep}sdk${sep}`)) return true;
  return file.startsWith(SDK_ROOT + sep) && !TEST_FILE.test(file);
}

/** `examples/bad.ts:12:20` (relative to the working directory when inside it). */
export function formatCallSite(site: CallSite): string {
  const rel = relative(process.cwd(), site.file);
  const shown = rel !== "" && !rel.startsWith("..") ? rel.split(sep).join("/") : site.file;
  return `${shown}:${site.line}:${site.column}`;
}

/** `"<site>: "` for prefixing messages, or `""` when the site is unknown. */
export function sitePrefix(site: CallSite | undefined): string {
  return site === undefined ? "" : `${formatCallSite(site)}: `;
}

const BINDING = /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*$/;

/**
 * The variable a declaration at `site` is assigned to (`export const sayHello = task(` → `sayHello`),
 * read from the source file, for naming entities in messages before the module loader names them.
 */
export function bindingNameAt(site: CallSite | undefined): string | undefined {
  if (site === undefined) return undefined;
  try {
    const lines = readFileSync(site.file, "utf8").split("\n");
    const line = lines[site.line - 1];
    if (line === undefined) return undefined;
    // The frame points at the call; the binding is before it, possibly on the previous line.
    const before = line.slice(0, Math.max(0, site.column - 1));
    const m = BINDING.exec(before) ?? BINDING.exec(`${lines[site.line - 2] ?? ""} ${before}`);
    return m?.[1];
  } catch {
    return undefined;
  }
}
