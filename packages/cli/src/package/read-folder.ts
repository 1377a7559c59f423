import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { FileCollector, isProtobufFile, type CollectedFiles, type PackageLimits } from "./file-collector.js";

/** Options for {@link readFolder}. */
export interface ReadFolderOptions {
  /** The folder's absolute path. */
  path: string;
  /** How to name the folder in errors (the path as the user gave it). */
  where: string;
  limits: PackageLimits;
}

/**
 * Reads the `.pb` files of a folder and its sub-folders into memory and lists the other files.
 * Symbolic links to files are followed; links to folders are not, so a link loop cannot trap the walk.
 *
 * @throws AloftError `ResourceExhausted` when a size cap is hit; file-system errors pass through.
 */
export async function readFolder(options: ReadFolderOptions): Promise<CollectedFiles> {
  const collector = new FileCollector({ where: options.where, limits: options.limits });
  await walk(options.path, "", collector);
  return collector.files;
}

async function walk(root: string, prefix: string, collector: FileCollector): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const entry of entries) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    const absolute = join(root, relative);
    if (entry.isDirectory()) {
      await walk(root, relative, collector);
      continue;
    }
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await isLinkToFile(absolute)));
    if (!isFile) continue;
    if (!isProtobufFile(relative)) {
      collector.addOther(relative);
      continue;
    }
    collector.checkProtobuf(relative, (await stat(absolute)).size);
    collector.addProtobuf(relative, await readFile(absolute));
  }
}

async function isLinkToFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
