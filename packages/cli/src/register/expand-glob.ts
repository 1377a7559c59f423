import { lstat, readdir } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";

/** Whether `path` holds a glob character (`*`, `?` or `[`), as Go's `filepath.Glob` reads them. */
export function hasGlobMagic(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * Go's `filepath.Glob`, which flytectl applies to every argument of `register files` (for shells that pass
 * patterns through unexpanded): `*` any run of characters but `/`, `?` one character, `[...]` a class (`[^...]`
 * or `[!...]` negated, ranges allowed). No `**`. Matches are returned in the order found, joined as the pattern
 * wrote them (relative patterns give relative paths); only paths that exist are returned, and a folder that
 * cannot be read matches nothing.
 */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const absolute = isAbsolute(pattern);
  // `\` escapes the next character, as in Go on POSIX systems, so only `/` separates.
  const segments = pattern.split("/").filter((s) => s !== "");
  let matches: string[] = [absolute ? "/" : ""];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of matches) {
      if (!hasGlobMagic(segment)) {
        next.push(base === "" ? segment : join(base, segment));
        continue;
      }
      const regex = globSegmentToRegExp(segment);
      let names: string[];
      try {
        names = await readdir(resolve(cwd, base || "."));
      } catch {
        continue;
      }
      for (const name of names.sort()) if (regex.test(name)) next.push(base === "" ? name : join(base, name));
    }
    matches = next;
  }
  const exists = await Promise.all(
    matches.map((m) =>
      lstat(resolve(cwd, m)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return matches.filter((_, i) => exists[i]);
}

function globSegmentToRegExp(segment: string): RegExp {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith("^") || body.startsWith("!");
      if (negated) body = body.slice(1);
      out += `[${negated ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = close;
    } else if (c === "\\" && i + 1 < segment.length) {
      out += escapeRegExp(segment[++i] as string);
    } else {
      out += escapeRegExp(c);
    }
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
