import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

/** One entry of a hand-made tar archive. */
export interface TarEntry {
  /** Written as is (no normalisation), so tests can make hostile paths. At most 100 bytes. */
  path: string;
  /** File contents; a directory when `type` is `"dir"`. */
  data?: Uint8Array | string;
  type?: "file" | "dir" | "symlink";
  /** For symlinks. */
  linkTarget?: string;
}

/**
 * A ustar archive built byte by byte, so a test can put in what real tools refuse to write
 * (`../escape_1.pb`) or leave out what they always add.
 */
export function tarBytes(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? "");
    const header = Buffer.alloc(512);
    const type = entry.type ?? "file";
    if (Buffer.byteLength(entry.path) > 100) throw new Error(`tar test paths are limited to 100 bytes: ${entry.path}`);
    header.write(entry.path, 0, 100, "utf8");
    header.write(type === "dir" ? "0000755\0" : "0000644\0", 100, "ascii");
    header.write("0000000\0", 108, "ascii");
    header.write("0000000\0", 116, "ascii");
    header.write(octal(type === "file" ? data.length : 0, 12), 124, "ascii");
    header.write(octal(0, 12), 136, "ascii");
    header.write(" ".repeat(8), 148, "ascii");
    header.write(type === "dir" ? "5" : type === "symlink" ? "2" : "0", 156, "ascii");
    header.write(entry.linkTarget ?? "", 157, 100, "utf8");
    header.write("ustar\0" + "00", 257, "ascii");
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(octal(sum, 7) + " ", 148, "ascii");
    blocks.push(header);
    if (type === "file" && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** {@link tarBytes}, gzipped: the shape of a `.tgz` package. */
export function tgzBytes(entries: readonly TarEntry[]): Buffer {
  return gzipSync(tarBytes(entries));
}

/** Writes `files` (paths relative to `dir`) into `dir`, creating folders as needed. */
export async function writeFiles(dir: string, files: readonly { path: string; bytes: Uint8Array }[]): Promise<void> {
  for (const file of files) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}
