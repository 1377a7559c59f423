import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type DescFile } from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { describe, expect, it } from "vitest";
import { flyteidlRegistry } from "./index.js";

const genDir = join(dirname(fileURLToPath(import.meta.url)), "gen");

function generatedFiles(): string[] {
  return readdirSync(genDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith("_pb.ts"))
    .map((f) => join(genDir, f))
    .sort();
}

function isDescFile(value: unknown): value is DescFile {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "file";
}

describe("flyteidlRegistry", () => {
  it("holds every message, enum and service of every generated file", async () => {
    const files = generatedFiles();
    expect(files.length).toBeGreaterThanOrEqual(66);
    const missing: string[] = [];
    for (const path of files) {
      const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      const descs = Object.values(module).filter(isDescFile);
      expect(descs, relative(genDir, path)).toHaveLength(1);
      for (const type of nestedTypes(descs[0] as DescFile)) {
        if (type.kind === "extension") continue;
        if (flyteidlRegistry.get(type.typeName) === undefined) missing.push(type.typeName);
      }
    }
    expect(missing).toEqual([]);
  });

  it("resolves the well-known types flyteidl packs into Any", () => {
    for (const name of ["google.protobuf.Timestamp", "google.protobuf.Struct", "google.protobuf.Duration"]) {
      expect(flyteidlRegistry.getMessage(name)?.typeName).toBe(name);
    }
  });
});
