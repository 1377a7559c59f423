import { DECL, isDeclared, type TaskDecl } from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { resolveImage } from "../serialize/resolve-image.js";
import type { SerializationSettings } from "../serialize/serialization-settings.js";

function declaredImage(decl: TaskDecl): string | undefined | null {
  switch (decl.kind) {
    case "function":
    case "container":
      return decl.container.image;
    case "map":
      return declaredImage(decl.inner[DECL]);
    case "reference":
      return null;
  }
}

/**
 * The images the tasks among `entities` run, resolved against the settings (flytekit's
 * `_get_image_names`, which feeds the content-hash version), each once, sorted.
 *
 * @throws AloftError `InvalidArgument` for an image template naming an image the settings lack.
 */
export function taskImages(entities: readonly EntityBase[], settings: SerializationSettings): string[] {
  const images = new Set<string>();
  for (const entity of entities) {
    if (entity.kind !== "task" || !isDeclared(entity)) continue;
    const image = declaredImage(entity[DECL] as TaskDecl);
    if (image !== null) images.add(resolveImage(image, settings));
  }
  return [...images].sort();
}
