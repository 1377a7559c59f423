// Generates TypeScript for flyteidl with protoc-gen-es, offline, from npm packages only.
// Inputs: @flyteorg/flyteidl's protos, Aloft's own extensions (proto/aloft/, e.g. the WatchService),
// google/api/{annotations,http}.proto from google-proto-files and our openapiv2 stand-in (third_party/).
// Skips work when the inputs have not changed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(pkgDir, "package.json"));
const flyteidlDir = dirname(require.resolve("@flyteorg/flyteidl/package.json"));
const googleProtosDir = dirname(require.resolve("google-proto-files/package.json"));
const workDir = join(pkgDir, ".gen");
const outDir = join(pkgDir, "src", "gen");
const stampFile = join(outDir, ".stamp");
const aloftProtoDir = join(pkgDir, "proto");

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

function inputsDigest() {
  const hash = createHash("sha256");
  const sources = [
    join(flyteidlDir, "protos", "flyteidl"),
    aloftProtoDir,
    join(pkgDir, "third_party"),
    fileURLToPath(import.meta.url),
    join(pkgDir, "package.json"),
  ];
  for (const src of sources) {
    const files = existsSync(src) && !src.endsWith(".mjs") && !src.endsWith(".json") ? listFiles(src) : [src];
    for (const f of files) {
      hash.update(relative(pkgDir, f));
      hash.update(readFileSync(f));
    }
  }
  hash.update(readFileSync(join(googleProtosDir, "google", "api", "annotations.proto")));
  hash.update(readFileSync(join(googleProtosDir, "google", "api", "http.proto")));
  return hash.digest("hex");
}

const digest = inputsDigest();
if (!process.argv.includes("--force") && existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest) {
  console.log("idl: generated code is up to date");
  process.exit(0);
}

rmSync(workDir, { recursive: true, force: true });
mkdirSync(join(workDir, "proto"), { recursive: true });
mkdirSync(join(workDir, "third_party", "google", "api"), { recursive: true });
cpSync(join(flyteidlDir, "protos", "flyteidl"), join(workDir, "proto", "flyteidl"), { recursive: true });
// Aloft's protos sit in the same module as flyteidl's, so they import flyteidl by its usual paths.
cpSync(aloftProtoDir, join(workDir, "proto"), { recursive: true });
for (const f of ["annotations.proto", "http.proto"]) {
  cpSync(join(googleProtosDir, "google", "api", f), join(workDir, "third_party", "google", "api", f));
}
cpSync(join(pkgDir, "third_party"), join(workDir, "third_party"), { recursive: true });

writeFileSync(
  join(workDir, "buf.yaml"),
  ["version: v2", "modules:", "  - path: proto", "  - path: third_party", ""].join("\n"),
);
const protocGenEs = join(dirname(require.resolve("@bufbuild/protoc-gen-es/package.json")), "bin", "protoc-gen-es");
writeFileSync(
  join(workDir, "buf.gen.yaml"),
  [
    "version: v2",
    "inputs:",
    "  - directory: .",
    "plugins:",
    `  - local: ["node", ${JSON.stringify(protocGenEs)}]`,
    "    out: out",
    "    opt: [target=ts, import_extension=js]",
    "    include_imports: true",
    "",
  ].join("\n"),
);

const buf = join(dirname(require.resolve("@bufbuild/buf/package.json")), "bin", "buf");
execFileSync(process.execPath, [buf, "generate"], { cwd: workDir, stdio: "inherit" });

rmSync(outDir, { recursive: true, force: true });
cpSync(join(workDir, "out"), outDir, { recursive: true });
rmSync(workDir, { recursive: true, force: true });
writeFileSync(stampFile, digest);
console.log(`idl: generated ${listFiles(outDir).filter((f) => f.endsWith(".ts")).length} files into src/gen`);
