/**
 * What serialization needs beyond the entities themselves. One registration shares one settings
 * object: every entity gets the same project, domain and version (as with pyflyte).
 */
export interface SerializationSettings {
  project: string;
  domain: string;
  /** Content hash by default (see the packager); `{{ registration.version }}` placeholders are not used. */
  version: string;
  /** The default container image of TypeScript tasks. */
  image: string;
  /** Named images, referenced from task options as `{{.image.<name>.fqn}}` / `.version`. */
  images?: Readonly<Record<string, string>>;
  /** Environment variables added to every TypeScript task's container. */
  env?: Readonly<Record<string, string>>;
  /**
   * How a TypeScript task's container reaches the code:
   * - `fast`: the command is wrapped in `aloft-fast-execute --additional-distribution
   *   {{ .remote_package_path }} --dest-dir {{ .dest_dir }} -- …`, Flyte's fast-register placeholders,
   *   which the registering client replaces with the uploaded bundle's URL and the destination folder;
   * - `image`: the code is already in the image, under the working directory.
   * @default { kind: "fast" }
   */
  code?: { kind: "fast" } | { kind: "image" };
}

/** The task type of TypeScript SDK tasks (flytekit's function tasks are `python-task`). */
export const TS_TASK_TYPE = "ts-task";
