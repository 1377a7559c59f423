import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { c as createTar } from "tar";
import { AloftError } from "@aloft/idl";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import type { EntityBase, EntityKind } from "../entities/entity.js";
import { requireName } from "../entities/registry.js";
import { compileEntities } from "../serialize/compile-entities.js";
import { serializeLaunchPlan } from "../serialize/serialize-launch-plan.js";
import { serializeTask } from "../serialize/serialize-task.js";
import { serializeWorkflow } from "../serialize/serialize-workflow.js";
import type { SerializationSettings } from "../serialize/serialization-settings.js";
import { bundleModules } from "./bundle.js";
import { codeArchiveName, createCodeArchive } from "./code-archive.js";
import { computeVersion } from "./compute-version.js";
import { DEFAULT_TASK_IMAGE } from "./default-task-image.js";
import type { LoadedModules } from "./load-modules.js";
import { packageFileName, registrationOrder } from "./registration-order.js";
import { taskImages } from "./task-images.js";

/** Options of {@link writePackage}. */
export interface WritePackageOptions {
  /** What `loadModules` found: the entities to package (with everything they use) and their modules. */
  loaded: LoadedModules;
  /** The `.tgz` to write; relative paths resolve against `cwd`. */
  output: string;
  /** @default process.cwd() */
  cwd?: string;
  /**
   * The project and domain of every id. Left empty by default, as `pyflyte package` leaves them:
   * the registering client (`flytectl register files`, `aloft register`) fills them in.
   * @default ""
   */
  project?: string;
  /** @default "" */
  domain?: string;
  /** The version of every id. @default the content hash ({@link computeVersion}) */
  version?: string;
  /** The default image of TypeScript tasks. @default {@link DEFAULT_TASK_IMAGE} */
  image?: string;
  /** Named images for `{{.image.<name>.fqn}}` templates. @default {} */
  images?: Readonly<Record<string, string>>;
  /** Environment variables for every TypeScript task's container. @default {} */
  env?: Readonly<Record<string, string>>;
  /**
   * Ship the code as a bundle (`fast<digest>.tar.gz` in the package, run by `aloft-fast-execute`);
   * `false` when the image already holds it.
   * @default true
   */
  fast?: boolean;
  /** Replace `output` when it exists. @default false */
  force?: boolean;
}

/** One file of a package. */
export interface PackageEntry {
  kind: EntityKind;
  name: string;
  /** The file name inside the package (`03_examples.hello.helloWorld_2.pb`). */
  file: string;
}

/** What {@link writePackage} did, or why it did not. */
export type WritePackageResult =
  | {
      ok: true;
      /** The package's absolute path. */
      output: string;
      /** The version every id got. */
      version: string;
      settings: SerializationSettings;
      /** The entity files, in registration order. */
      entries: PackageEntry[];
      /** The code archive's file name in the package, when `fast`. */
      codeArchive: string | undefined;
      /** The bundle's digest. */
      digest: string;
    }
  | {
      ok: false;
      /** One line per problem, naming the entity, the node and where the user declared it. */
      errors: string[];
    };

function serialize(entity: EntityBase, settings: SerializationSettings): Uint8Array {
  switch (entity.kind) {
    case "task":
      return toBinary(TaskSpecSchema, serializeTask(entity, settings));
    case "workflow":
      return toBinary(WorkflowSpecSchema, serializeWorkflow(entity, settings));
    case "launch-plan":
      return toBinary(LaunchPlanSchema, serializeLaunchPlan(entity, settings));
  }
}

/**
 * Writes a registrable package in `pyflyte package`'s layout: for every loaded entity and everything
 * it uses (default launch plans included), one `<NN>_<name>_<1|2|3>.pb` file (`TaskSpec`,
 * `WorkflowSpec`, `LaunchPlan`) in registration order, plus the code bundle as
 * `fast<digest>.tar.gz`, all in a gzipped tar. Everything is compiled first, as admin would at
 * registration; nothing is written when something does not compile.
 *
 * Ids carry the given project and domain (empty by default, for the registering client to fill) and
 * a content-hash version unless one is given. `flytectl register files --version v` keeps that
 * version unless `--force` is given; its upload of the code archive works either way.
 *
 * @throws AloftError `InvalidArgument` when nothing was loaded, an entity is unnamed or not exported,
 * the bundle fails, or `output` exists without `force`.
 */
export async function writePackage(options: WritePackageOptions): Promise<WritePackageResult> {
  const output = resolve(options.cwd ?? process.cwd(), options.output);
  const roots = options.loaded.entities;
  if (roots.length === 0) {
    throw AloftError.invalidArgument("no tasks, workflows or launch plans were found to package");
  }
  if (existsSync(output) && options.force !== true) {
    throw AloftError.invalidArgument(`${options.output} already exists; pass force (--force) to replace it`);
  }
  const fast = options.fast ?? true;
  const base: Omit<SerializationSettings, "version"> = {
    project: options.project ?? "",
    domain: options.domain ?? "",
    image: options.image ?? DEFAULT_TASK_IMAGE,
    images: { ...options.images },
    env: { ...options.env },
    code: { kind: fast ? "fast" : "image" },
  };

  const work = await mkdtemp(join(tmpdir(), "aloft-package-"));
  try {
    const bundle = await bundleModules({
      root: options.loaded.root,
      modules: options.loaded.modules,
      outDir: join(work, "bundle"),
    });
    const ordered = registrationOrder(roots);
    const version =
      options.version ??
      computeVersion({ digest: bundle.digest, settings: base, images: taskImages(ordered, { ...base, version: "" }) });
    const settings: SerializationSettings = { ...base, version };

    const compiled = compileEntities({ roots, settings });
    if (!compiled.ok) return { ok: false, errors: compiled.errors };

    const pkg = join(work, "package");
    await mkdir(pkg);
    const entries: PackageEntry[] = [];
    for (const [index, entity] of ordered.entries()) {
      const name = requireName(entity);
      const file = packageFileName({ index, count: ordered.length, kind: entity.kind, name });
      await writeFile(join(pkg, file), serialize(entity, settings));
      entries.push({ kind: entity.kind, name, file });
    }
    let codeArchive: string | undefined;
    if (fast) {
      await createCodeArchive({ dir: bundle.dir, files: bundle.files, digest: bundle.digest, outDir: pkg });
      codeArchive = codeArchiveName(bundle.digest);
    }

    const files = (await readdir(pkg)).sort();
    const staged = join(work, "package.tgz");
    await createTar(
      { file: staged, cwd: pkg, gzip: true, portable: true, mtime: new Date(0), noDirRecurse: true },
      files,
    );
    await mkdir(dirname(output), { recursive: true });
    if (options.force === true) await rm(output, { force: true });
    await rename(staged, output).catch(async (error: NodeJS.ErrnoException) => {
      // A rename cannot cross filesystems (tmp on its own mount); write through a copy then.
      if (error.code !== "EXDEV") throw error;
      await copyFile(staged, output);
    });
    return { ok: true, output, version, settings, entries, codeArchive, digest: bundle.digest };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
