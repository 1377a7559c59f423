import { createHash } from "node:crypto";

/**
 * The MD5 (hex) pyflyte names fast-registration archives by (`compute_digest`): for each file in
 * path order, its bytes, then its path with the separators removed.
 */
export function contentDigest(files: readonly { path: string; bytes: Uint8Array }[]): string {
  const hash = createHash("md5");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(file.bytes);
    hash.update(file.path.split("/").join(""), "utf8");
  }
  return hash.digest("hex");
}
