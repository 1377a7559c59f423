import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AloftError } from "@aloft/idl";

/** The file in a code bundle that says which modules it holds and how their entities are named. */
export const BUNDLE_MANIFEST_FILE = "aloft-bundle.json";

/** What {@link BUNDLE_MANIFEST_FILE} holds. */
export interface BundleManifest {
  /** The format of this file. */
  format: 1;
  /** The SDK version that wrote the bundle. */
  sdkVersion: string;
  /**
   * The bundled modules, in the order the loader read them, each with the exports it located: replay
   * them with `assignLocation` in this order to name entities exactly as at packaging time.
   */
  modules: { module: string; located: string[] }[];
}

/**
 * The manifest of the bundle unpacked at `dir`, or `undefined` when the folder has none (code run
 * from a checkout).
 *
 * @throws AloftError `InvalidArgument` when the manifest is present but unreadable.
 */
export async function readBundleManifest(dir: string): Promise<BundleManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, BUNDLE_MANIFEST_FILE), "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as BundleManifest;
    if (parsed.format !== 1 || !Array.isArray(parsed.modules)) throw new Error("unknown format");
    return parsed;
  } catch (cause) {
    throw AloftError.invalidArgument(`${join(dir, BUNDLE_MANIFEST_FILE)} is not a bundle manifest`, { cause });
  }
}
