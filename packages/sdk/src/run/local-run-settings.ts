import { DECL, isDeclared } from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import type { SerializationSettings } from "../serialize/serialization-settings.js";

/** The project local runs are in (flytekit's local executions use `local` too). */
export const LOCAL_PROJECT = "local";
/** The domain local runs are in. */
export const LOCAL_DOMAIN = "development";
/** The version every entity has in a local run. */
export const LOCAL_VERSION = "local";
/** The image tasks nominally run in locally (the code runs in this process, so it is never pulled). */
export const LOCAL_IMAGE = "aloft-local:latest";

// flytekit's `{{.image.<name>…}}` templates, as `resolveImage` reads them.
const IMAGE_NAME = /\{\{\s*\.images?\.([a-zA-Z0-9_-]+)/gi;

function imageOf(entity: EntityBase): string | undefined {
  if (!isDeclared(entity) || entity.kind !== "task") return undefined;
  const decl = entity[DECL];
  switch (decl.kind) {
    case "function":
    case "container":
      return decl.container.image;
    case "map":
      return imageOf(decl.inner);
    default:
      return undefined;
  }
}

/**
 * The serialization settings of a local run: project `local`, domain `development`, version `local`,
 * code in the image (no fast-registration prefix), and every named image the `entities` use defined
 * as the local image, so tasks declared with `{{.image.gpu.fqn}}` still serialize (locally the
 * image is never used).
 */
export function localRunSettings(entities: Iterable<EntityBase>): SerializationSettings {
  const images: Record<string, string> = {};
  for (const entity of entities) {
    const image = imageOf(entity);
    if (image === undefined) continue;
    for (const m of image.matchAll(IMAGE_NAME)) if (m[1] !== undefined) images[m[1]] = LOCAL_IMAGE;
  }
  return {
    project: LOCAL_PROJECT,
    domain: LOCAL_DOMAIN,
    version: LOCAL_VERSION,
    image: LOCAL_IMAGE,
    images,
    code: { kind: "image" },
  };
}
