import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fromBinary, toJson } from "@bufbuild/protobuf";
import { type AloftError, Code } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { type LiteralType, LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { findSharedFixtures, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { FlyteDirectory, FlyteFile, StructuredDataset, t, type TypeContext } from "./index.js";
import { decodeMsgpack } from "./msgpack.js";
import { literalJson, makeTypeContext, typeJson, viaWire } from "./types.test-helper.js";

let ctx: TypeContext;
let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ ctx, root, cleanup } = await makeTypeContext());
});
afterAll(() => cleanup());

async function localFile(name: string, content: string): Promise<string> {
  const path = join(root, "local", name);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, content);
  return path;
}

function scalar(literal: Literal) {
  if (literal.value.case !== "scalar") throw new Error("not a scalar");
  return literal.value.value.value;
}

const RAW_DIR = /^file:\/\/.*\/blobs\/raw\/[0-9a-f]{32}$/;

describe("file and directory types", () => {
  it("declare flytekit's blob types", () => {
    expect(typeJson(t.file())).toEqual({ blob: {} });
    expect(typeJson(t.file({ format: "csv" }))).toEqual({ blob: { format: "csv" } });
    expect(typeJson(t.directory())).toEqual({ blob: { dimensionality: "MULTIPART" } });
    const u = t.union(t.file(), t.directory());
    expect(typeJson(u)).toEqual({
      unionType: {
        variants: [
          { blob: {}, structure: { tag: "FlyteFilePath" } },
          { blob: { dimensionality: "MULTIPART" }, structure: { tag: "FlyteDirectory" } },
        ],
      },
    });
  });

  it("upload a local file to <rawOutputPrefix>/<random>/<name> and read it back lazily", async () => {
    const path = await localFile("report.csv", "a,b\n1,2\n");
    const type = t.file({ format: "csv" });
    const literal = viaWire(await type.toLiteral(FlyteFile.fromPath(path), ctx));
    const blob = scalar(literal);
    if (blob.case !== "blob") throw new Error("not a blob");
    expect(blob.value.uri).toMatch(/^file:\/\/.*\/blobs\/raw\/[0-9a-f]{32}\/report\.csv$/);
    expect(toJson(LiteralTypeSchema, { ...type.literalType })).toEqual({ blob: { format: "csv" } });
    expect(literalJson(literal)).toEqual({
      scalar: { blob: { metadata: { type: { format: "csv" } }, uri: blob.value.uri } },
    });
    const file = await type.fromLiteral(literal, ctx);
    expect(file.uri).toBe(blob.value.uri);
    expect(file.format).toBe("csv");
    expect(await file.readText()).toBe("a,b\n1,2\n");
    const downloaded = await file.download();
    expect(downloaded.startsWith(ctx.workDir)).toBe(true);
    expect(await readFile(downloaded, "utf8")).toBe("a,b\n1,2\n");
  });

  it("write remote files without I/O, and refuse local ones in toLiteralSync", async () => {
    expect(literalJson(t.file().toLiteralSync(FlyteFile.fromUri("s3://bucket/x.txt")))).toEqual({
      scalar: { blob: { metadata: { type: {} }, uri: "s3://bucket/x.txt" } },
    });
    const e = (() => {
      try {
        t.file().toLiteralSync(FlyteFile.fromPath("/tmp/x.txt"), { path: "inputs.f" });
      } catch (err) {
        return err as AloftError;
      }
      throw new Error("expected an error");
    })();
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toBe(
      "inputs.f: the local file /tmp/x.txt has to be uploaded first; convert it with toLiteral, not toLiteralSync",
    );
    await expect(t.file().toLiteral(FlyteFile.fromPath(join(root, "missing.txt")), ctx)).rejects.toThrow(
      "is not a file",
    );
    await expect(FlyteFile.fromUri("s3://bucket/x.txt").readText()).rejects.toThrow(
      "the file s3://bucket/x.txt has no blob store to read from",
    );
  });

  it("keep a file's literal metadata, as flytekit's FlyteFile(metadata=…)", async () => {
    const literal = t.file().toLiteralSync(FlyteFile.fromUri("s3://b/k", { metadata: { owner: "me" } }));
    expect(literal.metadata).toEqual({ owner: "me" });
    expect((await t.file().fromLiteral(viaWire(literal), ctx)).metadata).toEqual({ owner: "me" });
  });

  it("refuse a folder where a file is declared and the other way round", async () => {
    const dir = t.directory().toLiteralSync(FlyteDirectory.fromUri("s3://b/d"));
    await expect(t.file().fromLiteral(dir, ctx)).rejects.toThrow(
      "value: s3://b/d is not a file (it is a multipart blob)",
    );
    const file = t.file().toLiteralSync(FlyteFile.fromUri("s3://b/f"));
    await expect(t.directory().fromLiteral(file, ctx)).rejects.toThrow(
      "value: s3://b/f is not a folder (it is a single-file blob)",
    );
  });

  it("upload a local folder recursively, list it and download it again", async () => {
    await localFile("tree/a.txt", "A");
    await localFile("tree/sub/b.txt", "B");
    const type = t.directory();
    const literal = viaWire(await type.toLiteral(FlyteDirectory.fromPath(join(root, "local", "tree")), ctx));
    const blob = scalar(literal);
    if (blob.case !== "blob") throw new Error("not a blob");
    expect(blob.value.uri).toMatch(RAW_DIR);
    const dir = await type.fromLiteral(literal, ctx);
    const files = await dir.list();
    expect(files.map((f) => f.uri?.slice(blob.value.uri.length))).toEqual(["/a.txt", "/sub/b.txt"]);
    expect(await files[1]?.readText()).toBe("B");
    const local = await dir.download();
    expect(await readFile(join(local, "a.txt"), "utf8")).toBe("A");
    expect(await readFile(join(local, "sub", "b.txt"), "utf8")).toBe("B");
  });

  it("parse a path or a URI from the command line", () => {
    expect(t.file().parseText("s3://b/k").uri).toBe("s3://b/k");
    expect(t.file().parseText("rel/x.txt").isLocal).toBe(true);
    expect(t.directory().parseText("gs://b/d/").uri).toBe("gs://b/d/");
  });
});

describe("dataframe type", () => {
  const columns = {
    id: t.int(),
    big: t.int64(),
    score: t.float(),
    name: t.string(),
    ok: t.boolean(),
    at: t.datetime(),
    note: t.optional(t.string()),
  };
  const rows = [
    { id: 1, big: 2n ** 60n, score: 1, name: "a,b", ok: true, at: new Date("2024-01-02T03:04:05.678Z"), note: null },
    { id: -2, big: -1n, score: 0.5, name: 'q"uote', ok: false, at: new Date("2000-01-01T00:00:00Z"), note: "n" },
  ];

  it("declares flytekit's structured dataset type: format and columns", () => {
    expect(typeJson(t.dataframe())).toEqual({ structuredDatasetType: { format: "parquet" } });
    expect(typeJson(t.dataframe({ columns: { a: t.int(), b: t.string() }, format: "csv" }))).toEqual({
      structuredDatasetType: {
        columns: [
          { name: "a", literalType: { simple: "INTEGER" } },
          { name: "b", literalType: { simple: "STRING" } },
        ],
        format: "csv",
      },
    });
  });

  it("writes parquet as a folder holding 00000 and reads the rows back typed", async () => {
    const type = t.dataframe({ columns });
    expectTypeOf<Awaited<ReturnType<typeof type.fromLiteral>>>().toEqualTypeOf<
      StructuredDataset<
        { id: number; big: bigint; score: number; name: string; ok: boolean; at: Date } & { note?: string | null }
      >
    >();
    const literal = viaWire(await type.toLiteral(StructuredDataset.fromRows(rows), ctx));
    const sd = scalar(literal);
    if (sd.case !== "structuredDataset") throw new Error("not a dataset");
    expect(sd.value.uri).toMatch(RAW_DIR);
    expect(sd.value.metadata?.structuredDatasetType?.format).toBe("parquet");
    expect(sd.value.metadata?.structuredDatasetType?.columns.map((c) => c.name)).toEqual(Object.keys(columns));
    const bytes = await ctx.store.get(`${sd.value.uri}/00000`);
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe("PAR1");
    expect(await (await type.fromLiteral(literal, ctx)).toArray()).toEqual(rows);
  });

  it("writes CSV as a folder holding .csv, as pandas prints it, and reads it back typed", async () => {
    const type = t.dataframe({ columns, format: "csv" });
    const literal = await type.toLiteral(StructuredDataset.fromRows(rows), ctx);
    const sd = scalar(literal);
    if (sd.case !== "structuredDataset") throw new Error("not a dataset");
    expect(new TextDecoder().decode(await ctx.store.get(`${sd.value.uri}/.csv`))).toBe(
      "id,big,score,name,ok,at,note\n" +
        '1,1152921504606846976,1.0,"a,b",True,2024-01-02T03:04:05.678000+00:00,\n' +
        '-2,-1,0.5,"q""uote",False,2000-01-01T00:00:00+00:00,n\n',
    );
    expect(await (await type.fromLiteral(viaWire(literal), ctx)).toArray()).toEqual(rows);
  });

  it("writes JSON Lines as a folder holding .jsonl and reads it back typed", async () => {
    const type = t.dataframe({ columns, format: "jsonl" });
    const literal = await type.toLiteral(StructuredDataset.fromRows(rows), ctx);
    const sd = scalar(literal);
    if (sd.case !== "structuredDataset") throw new Error("not a dataset");
    const lines = new TextDecoder()
      .decode(await ctx.store.get(`${sd.value.uri}/.jsonl`))
      .trim()
      .split("\n");
    expect(lines).toHaveLength(2);
    expect(sd.value.metadata?.structuredDatasetType?.format).toBe("jsonl");
    expect(await (await type.fromLiteral(viaWire(literal), ctx)).toArray()).toEqual(rows);
  });

  it("reads only the declared columns, as flytekit's readers subset", async () => {
    const written = await t.dataframe({ columns }).toLiteral(StructuredDataset.fromRows(rows), ctx);
    const narrow = t.dataframe({ columns: { name: t.string() } });
    expect(await (await narrow.fromLiteral(written, ctx)).toArray()).toEqual([{ name: "a,b" }, { name: 'q"uote' }]);
  });

  it("reads untyped rows when no columns are declared", async () => {
    const type = t.dataframe();
    const literal = await type.toLiteral(StructuredDataset.fromRows([{ a: 1, b: "x", c: 2.5 }]), ctx);
    expect(await (await type.fromLiteral(literal, ctx)).toArray()).toEqual([{ a: 1, b: "x", c: 2.5 }]);
  });

  it("refuses rows that do not fit the declared columns, and column types no dataframe has", () => {
    expect(() =>
      t
        .dataframe({ columns })
        .toLiteralSync(StructuredDataset.fromRows([{ ...rows[0], id: 1.5 }] as typeof rows), { path: "outputs.o0" }),
    ).toThrow("outputs.o0.rows[0].id: expected integer, got 1.5");
    expect(() => t.dataframe({ columns: { xs: t.list(t.int()) } })).toThrow(
      "t.dataframe column xs: list<int> cannot be a column; use int, int64, float, string, boolean, datetime or date (optionally t.optional)",
    );
  });
});

describe("records holding files and datasets", () => {
  const Bundle = t.record(
    {
      report: t.file({ format: "txt" }),
      extras: t.list(t.optional(t.file())),
      folder: t.directory(),
      data: t.dataframe({ columns: { x: t.int() } }),
    },
    { name: "Bundle" },
  );

  it("declares the nested schemas mashumaro derives for FlyteFile, FlyteDirectory and StructuredDataset", () => {
    const props = (Bundle.literalType.metadata?.properties ?? {}) as Record<string, unknown>;
    expect(props.report).toEqual({
      type: "object",
      title: "FlyteFile",
      properties: {
        path: { anyOf: [{ type: "string" }, { type: "string", format: "path" }], default: null },
        metadata: {
          anyOf: [
            { type: "object", additionalProperties: { type: "string" }, propertyNames: { type: "string" } },
            { type: "null" },
          ],
          default: null,
        },
      },
      additionalProperties: false,
    });
    expect(props.data).toEqual({
      type: "object",
      title: "StructuredDataset",
      properties: {
        uri: { anyOf: [{ type: "string" }, { type: "null" }], default: null },
        file_format: { anyOf: [{ type: "string" }, { type: "null" }], default: "" },
      },
      additionalProperties: false,
    });
    expect(Bundle.literalType.structure?.dataclassType?.report).toEqual(t.file({ format: "txt" }).literalType);
  });

  it("uploads nested local data and writes flytekit's nested dicts: {path} and {uri, file_format}", async () => {
    await localFile("bundle/r.txt", "report");
    await localFile("bundle/dir/f.txt", "in folder");
    const value = {
      report: FlyteFile.fromPath(join(root, "local", "bundle", "r.txt")),
      extras: [FlyteFile.fromUri("s3://bucket/extra.bin"), null],
      folder: FlyteDirectory.fromPath(join(root, "local", "bundle", "dir")),
      data: StructuredDataset.fromRows([{ x: 1 }, { x: 2 }]),
    };
    expect(() => Bundle.toLiteralSync(value)).toThrow("value.report: the local file");
    const literal = viaWire(await Bundle.toLiteral(value, ctx));
    const binary = scalar(literal);
    if (binary.case !== "binary") throw new Error("not msgpack");
    const plain = decodeMsgpack(binary.value.value, "v") as Record<string, Record<string, unknown>>;
    expect(Object.keys(plain)).toEqual(["report", "extras", "folder", "data"]);
    expect(plain.report?.path).toMatch(/\/raw\/[0-9a-f]{32}\/r\.txt$/);
    expect(plain.extras).toEqual([{ path: "s3://bucket/extra.bin" }, null]);
    expect(plain.folder?.path).toMatch(RAW_DIR);
    expect(plain.data).toEqual({ uri: expect.stringMatching(RAW_DIR) as unknown, file_format: "parquet" });

    const back = await Bundle.fromLiteral(literal, ctx);
    expect(await back.report.readText()).toBe("report");
    expect(back.extras[0]?.uri).toBe("s3://bucket/extra.bin");
    expect(back.extras[1]).toBeNull();
    expect(await (await back.folder.list())[0]?.readText()).toBe("in folder");
    expect(await back.data.toArray()).toEqual([{ x: 1 }, { x: 2 }]);
  });
});

describe("typeFromLiteralType", () => {
  const Point = t.record({ x: t.int(), y: t.float() }, { name: "Point" });
  const types = [
    t.int(),
    t.float(),
    t.string(),
    t.boolean(),
    t.datetime(),
    t.duration(),
    t.none(),
    t.optional(t.date()),
    t.union(t.int(), t.list(t.string()), Point),
    t.map(t.list(t.float())),
    t.enum(["a", "b"]),
    t.json(),
    Point,
    t.file({ format: "csv" }),
    t.directory(),
    t.dataframe({ columns: { a: t.int() }, format: "csv" }),
  ];

  it("rebuilds every SDK type with exactly the same literal type", async () => {
    const { typeFromLiteralType } = await import("./index.js");
    for (const type of types) expect(typeFromLiteralType(type.literalType).literalType).toEqual(type.literalType);
  });

  it("reads and writes plain values the way the original types do", async () => {
    const { typeFromLiteralType } = await import("./index.js");
    const rebuiltPoint = typeFromLiteralType(Point.literalType);
    const written = Point.toLiteralSync({ x: 1, y: 2 });
    expect(await rebuiltPoint.fromLiteral(written, ctx)).toEqual({ x: 1, y: 2 });
    expect(rebuiltPoint.toLiteralSync({ x: 1, y: 2 })).toEqual(written);
    const union = t.union(t.int(), t.list(t.string()), Point);
    const rebuiltUnion = typeFromLiteralType(union.literalType);
    expect(await rebuiltUnion.fromLiteral(union.toLiteralSync(["s"]), ctx)).toEqual(["s"]);
    const date = t.optional(t.date());
    expect(
      await typeFromLiteralType(date.literalType).fromLiteral(date.toLiteralSync(new Date("2024-03-04")), ctx),
    ).toEqual(new Date("2024-03-04"));
  });
});

describe("types found in packages flytekit serialized", () => {
  const fixtures = findSharedFixtures();

  function interfaceTypes(tgz: string, pattern: RegExp): Map<string, LiteralType> {
    const dir = join(root, `fixtures-${pattern.source.replace(/\W/g, "")}`);
    mkdirSync(dir, { recursive: true });
    execFileSync("tar", ["xzf", tgz, "-C", dir]);
    const found = new Map<string, LiteralType>();
    const listing = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("_1.pb"));
    for (const file of listing.filter((f) => pattern.test(f))) {
      const spec = fromBinary(TaskSpecSchema, new Uint8Array(readFileSync(join(dir, file))));
      const iface = spec.template?.interface;
      for (const [name, v] of [
        ...Object.entries(iface?.inputs?.variables ?? {}),
        ...Object.entries(iface?.outputs?.variables ?? {}),
      ]) {
        if (v.type) found.set(`${file.split("/").pop()}:${name}`, v.type);
      }
    }
    return found;
  }

  it.skipIf(fixtures === undefined)("match flytekit's FlyteFile, FlyteDirectory and dataframe types", () => {
    if (fixtures === undefined) return console.log(SHARED_FIXTURES_MISSING);
    const core = interfaceTypes(
      join(fixtures, "flytekit-serialized", "flytesnacks-core.tgz"),
      /flyte_basics\.(files|folders)/,
    );
    expect(core.get("43_core.flyte_basics.files.rotate_1.pb:o0")).toEqual(t.file().literalType);
    expect(core.get("46_core.flyte_basics.folders.download_files_1.pb:o0")).toEqual(t.directory().literalType);
    expect(core.get("47_core.flyte_basics.folders.rotate_all_1.pb:img_dir")).toEqual(t.directory().literalType);
    const pkg = interfaceTypes(join(fixtures, "flytekit-serialized", "valid-package.tgz"), /example/);
    expect(pkg.get("0_example.example.generate_normal_df_1.pb:o0")).toEqual(t.dataframe().literalType);
    expect(pkg.get("1_example.example.compute_stats_1.pb:df")).toEqual(t.dataframe().literalType);
  });

  it.skipIf(fixtures !== undefined)("are skipped without the shared fixtures", () => {
    console.log(SHARED_FIXTURES_MISSING);
  });
});
