import { createHash } from "node:crypto";
import type { SerializationSettings } from "../serialize/serialization-settings.js";
import { SDK_VERSION } from "../serialize/sdk-version.js";

/** Options of {@link computeVersion}. */
export interface ComputeVersionOptions {
  /** The code bundle's digest (hex MD5, as in `fast<digest>.tar.gz`). */
  digest: string;
  /** The registration's settings; `version` is ignored. */
  settings: Omit<SerializationSettings, "version">;
  /** The images the tasks run (each task's resolved image). */
  images: readonly string[];
  /** @default the SDK's version */
  sdkVersion?: string;
}

function sortedRecord(record: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (record === undefined) return undefined;
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The content-hash version of a registration, as flytekit's `FlyteRemote._version_from_hash` (what
 * `pyflyte register` uses without `--version`): MD5 over the bundle digest's bytes, the settings as
 * JSON (project, domain, image, named images, env, code mode, keys sorted), the SDK version and the
 * task images (sorted, each once), written as URL-safe base64 without `=` padding (22 characters).
 * The same code, settings and SDK give the same version on every machine.
 */
export function computeVersion(options: ComputeVersionOptions): string {
  const { settings } = options;
  const hash = createHash("md5");
  hash.update(Buffer.from(options.digest, "hex"));
  const plain = {
    project: settings.project,
    domain: settings.domain,
    image: settings.image,
    images: sortedRecord(settings.images),
    env: sortedRecord(settings.env),
    code: settings.code?.kind ?? "fast",
  };
  hash.update(JSON.stringify(plain), "utf8");
  hash.update(options.sdkVersion ?? SDK_VERSION, "utf8");
  for (const image of [...new Set(options.images)].sort()) hash.update(image, "utf8");
  return hash.digest("base64url");
}
