import { AloftError } from "@aloft/idl";
import type { SerializationSettings } from "./serialization-settings.js";

// flytekit's `_IMAGE_REPLACE_REGEX`: `{{.image.<name>}}`, `{{.image.<name>.fqn}}`, `{{.image.<name>.version}}`
// (also `.images.`, any case, optional spaces inside the braces).
const IMAGE_TEMPLATE = /(\{\{\s*\.images?(?:\.([a-zA-Z0-9_-]+))(?:\.([a-zA-Z0-9_-]+))?\s*\}\})/gi;

// Stands in front of a digest so the `:` before its template can be dropped afterwards.
const DIGEST_MARK = "\u{E000}";

function splitImage(full: string): { fqn: string; version: string | undefined } {
  const at = full.indexOf("@");
  if (at !== -1) return { fqn: full.slice(0, at), version: full.slice(at + 1) };
  const slash = full.lastIndexOf("/");
  const colon = full.lastIndexOf(":");
  return colon > slash
    ? { fqn: full.slice(0, colon), version: full.slice(colon + 1) }
    : { fqn: full, version: undefined };
}

/**
 * The image a task runs, as flytekit's `get_registerable_container_image`: the settings' default image
 * when none is given; otherwise the given image with its `{{.image.<name>.fqn|version}}` templates
 * replaced from `settings.images` (`default` is `settings.image`).
 *
 * @throws AloftError `InvalidArgument` for a template naming an image the settings do not have.
 */
export function resolveImage(image: string | undefined, settings: SerializationSettings): string {
  if (image === undefined || image === "") return settings.image;
  const images: Record<string, string> = { default: settings.image, ...(settings.images ?? {}) };
  return image
    .replace(IMAGE_TEMPLATE, (whole: string, _group: string, name: string, attr: string | undefined) => {
      const full = images[name];
      if (full === undefined) {
        throw AloftError.invalidArgument(
          `image ${JSON.stringify(image)} names image "${name}", which the settings do not define`,
        );
      }
      const { fqn, version } = splitImage(full);
      if (attr === undefined || attr === "") return full;
      if (attr.toLowerCase() === "fqn") return fqn;
      if (attr.toLowerCase() === "version") {
        const v = version ?? splitImage(settings.image).version ?? "latest";
        // A digest needs `@`, not `:`, before it (flytekit's `get_registerable_container_image`).
        return v.includes(":") && image.includes(`:${whole}`) ? `${DIGEST_MARK}@${v}` : v;
      }
      throw AloftError.invalidArgument(
        `image ${JSON.stringify(image)}: only fqn and version can be taken from an image, not ${attr}`,
      );
    })
    .replaceAll(`:${DIGEST_MARK}`, "");
}
