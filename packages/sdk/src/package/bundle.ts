import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { build, type BuildFailure, type Message } from "esbuild";
import { AloftError } from "@aloft/idl";
import { SDK_VERSION } from "../serialize/sdk-version.js";
import { BUNDLE_MANIFEST_FILE, type BundleManifest } from "./bundle-manifest.js";
import { contentDigest } from "./content-digest.js";
import type { LoadedModule } from "./load-modules.js";

/** Options of {@link bundleModules}. */
export interface BundleModulesOptions {
  /** The project root the module paths are relative to. */
  root: string;
  /** The modules to bundle, one entry each (what `loadModules` returns). */
  modules: readonly Pick<LoadedModule, "module" | "file" | "located">[];
  /** The folder to write the bundle into (created). */
  outDir: string;
}

/** A bundle written by {@link bundleModules}. */
export interface CodeBundle {
  /** The folder holding it. */
  dir: string;
  /** Its files, relative to `dir`, `/`-separated, sorted. */
  files: string[];
  /** MD5 (hex) over the files' contents and paths, as pyflyte's `fast<digest>` archives. */
  digest: string;
  manifest: BundleManifest;
}

// Bundled CommonJS dependencies may `require` Node's modules, which ESM output has no `require` for.
const REQUIRE_SHIM =
  'import { createRequire as __aloftCreateRequire } from "node:module"; const require = __aloftCreateRequire(import.meta.url);';

// One line per problem, `file:line:column: text`, so the CLI can print it as one message.
function describeFailure(error: unknown): string {
  const errors = (error as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return error instanceof Error ? error.message : String(error);
  return (errors as Message[])
    .map((e) =>
      e.location === null ? e.text : `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}`,
    )
    .join("; ");
}

/**
 * Bundles the user's modules with esbuild for running in a task container: one ESM entry per module
 * at `<module>.mjs` (code shared between modules in `_aloft_chunks/`), Node 20, linked source maps
 * whose sources are relative to the project (so stacks name the user's files and the output does
 * not depend on where it was built), `@aloft/*` left external (the runtime provides the SDK, as an
 * image provides flytekit) and every other dependency bundled in. Adds {@link BUNDLE_MANIFEST_FILE}.
 * Files are written with mode 0644.
 *
 * @throws AloftError `InvalidArgument` with esbuild's messages when a module cannot be bundled.
 */
export async function bundleModules(options: BundleModulesOptions): Promise<CodeBundle> {
  const { root, outDir } = options;
  let outputFiles;
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: options.modules.map((m) => ({ in: m.file, out: m.module })),
      // The outputs are kept in memory with paths as if written beside the sources, so source maps
      // name `hello.ts` rather than a path through a temporary folder.
      outdir: root,
      write: false,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "linked",
      external: ["@aloft/*"],
      outExtension: { ".js": ".mjs" },
      entryNames: "[dir]/[name]",
      chunkNames: "_aloft_chunks/[name]-[hash]",
      banner: { js: REQUIRE_SHIM },
      logLevel: "silent",
    });
    outputFiles = result.outputFiles;
  } catch (error) {
    throw AloftError.invalidArgument(`bundling failed: ${describeFailure(error)}`, { cause: error });
  }

  const manifest: BundleManifest = {
    format: 1,
    sdkVersion: SDK_VERSION,
    modules: options.modules.map((m) => ({ module: m.module, located: [...m.located] })),
  };
  const contents = new Map<string, Uint8Array>();
  for (const file of outputFiles) contents.set(relative(root, file.path).split(sep).join("/"), file.contents);
  contents.set(BUNDLE_MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8"));

  const files = [...contents.keys()].sort();
  await mkdir(outDir, { recursive: true });
  for (const rel of files) {
    const path = join(outDir, ...rel.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, contents.get(rel) as Uint8Array);
    await chmod(path, 0o644);
  }
  const digest = contentDigest(files.map((path) => ({ path, bytes: contents.get(path) as Uint8Array })));
  return { dir: outDir, files, digest, manifest };
}
