import { gunzipSync, gzipSync } from "node:zlib";
import { AloftError } from "@aloft/idl";
import type { SerializationSettings } from "./serialization-settings.js";

/**
 * The environment variable carrying the registration's settings into dynamic tasks' containers, so
 * the workflows they build at run time get the same project, domain, version and images (flytekit's
 * `_F_SS_C`, in this SDK's own format).
 */
export const SETTINGS_ENV_VAR = "_ALOFT_SS_C";

/** Settings as the env var holds them: gzip-compressed JSON in base64, as flytekit's `serialized_context`. */
export function encodeSettings(settings: SerializationSettings): string {
  const plain: SerializationSettings = {
    project: settings.project,
    domain: settings.domain,
    version: settings.version,
    image: settings.image,
    ...(settings.images === undefined ? {} : { images: { ...settings.images } }),
    ...(settings.env === undefined ? {} : { env: { ...settings.env } }),
    ...(settings.code === undefined ? {} : { code: settings.code }),
  };
  return gzipSync(Buffer.from(JSON.stringify(plain), "utf8")).toString("base64");
}

/**
 * The settings a dynamic task was registered with, read from its environment, or `undefined` when the
 * variable is absent.
 *
 * @throws AloftError `InvalidArgument` when the variable is present but does not decode.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): SerializationSettings | undefined {
  const value = env[SETTINGS_ENV_VAR];
  if (value === undefined || value === "") return undefined;
  try {
    const parsed = JSON.parse(gunzipSync(Buffer.from(value, "base64")).toString("utf8")) as SerializationSettings;
    if (typeof parsed.project !== "string" || typeof parsed.version !== "string" || typeof parsed.image !== "string") {
      throw new Error("missing fields");
    }
    return parsed;
  } catch (e) {
    throw AloftError.invalidArgument(`${SETTINGS_ENV_VAR} does not hold serialization settings`, { cause: e });
  }
}
