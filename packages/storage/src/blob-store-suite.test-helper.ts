/**
 * One behaviour suite for every BlobStore implementation, so the fs and S3 stores are held to the same
 * contract. Each store's test file calls {@link describeBlobStoreContract} with a harness.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AloftError, Code } from "@aloft/idl";
import type { BlobStore } from "./index.js";

/** A store under test and where it may write. */
export interface BlobStoreHarness {
  /** A store listing at most {@link LIST_PAGE_SIZE} keys per page where it pages at all. */
  store: BlobStore;
  /** A URI prefix this suite owns; every test writes below a fresh sub-prefix of it. */
  root: string;
  /** A URI of a scheme the store does not serve. */
  foreignUri: string;
  teardown: () => Promise<void>;
}

/** Page size harnesses should configure, so listing crosses pages with few keys. */
export const LIST_PAGE_SIZE = 5;

const MIB = 1024 * 1024;

/** Asserts that `promise` rejects with an AloftError of `code` whose message matches `message`. */
export async function expectAloftError(promise: Promise<unknown>, code: Code, message: RegExp | string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AloftError);
  expect((error as AloftError).code).toBe(code);
  expect((error as AloftError).rawMessage).toMatch(message);
}

/** Asserts that `fn` throws an AloftError of `code` whose raw message matches `message` (exactly, for a string). */
export function expectThrowsAloftError(fn: () => unknown, code: Code, message: RegExp | string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AloftError);
  expect((error as AloftError).code).toBe(code);
  if (typeof message === "string") expect((error as AloftError).rawMessage).toBe(message);
  else expect((error as AloftError).rawMessage).toMatch(message);
}

export function md5(data: Uint8Array): string {
  return createHash("md5").update(data).digest("base64");
}

export async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `bytes` in 64 KiB chunks, as a network upload would arrive. */
export function streamOf(bytes: Uint8Array): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.byteLength; i += 64 * 1024) yield Buffer.from(bytes.subarray(i, i + 64 * 1024));
    })(),
  );
}

export function describeBlobStoreContract(name: string, setup: () => Promise<BlobStoreHarness>): void {
  describe(`${name} (BlobStore contract)`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;
    const fresh = () => store.join(harness.root, randomUUID());

    beforeAll(async () => {
      harness = await setup();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.teardown();
    });

    it("returns what was put, and head reports its size, MD5 and time", async () => {
      const uri = store.join(fresh(), "n0", "data", "inputs.pb");
      const body = Uint8Array.from([0, 1, 2, 250, 255]);
      const before = Date.now();

      const result = await store.put(uri, body);
      const head = await store.head(uri);

      expect(result).toEqual({ sizeBytes: 5, contentMd5: md5(body) });
      expect(await store.get(uri)).toEqual(body);
      expect(head?.sizeBytes).toBe(5);
      expect(head?.contentMd5).toBe(md5(body));
      expect(head?.etag).toBe(Buffer.from(md5(body), "base64").toString("hex"));
      expect(head!.lastModified.getTime()).toBeGreaterThan(before - 5_000);
      expect(await store.exists(uri)).toBe(true);
    });

    it("stores string bodies as UTF-8", async () => {
      const uri = store.join(fresh(), "deck.html");
      await store.put(uri, "<p>héllo</p>", { contentType: "text/html" });
      expect(new TextDecoder().decode(await store.get(uri))).toBe("<p>héllo</p>");
    });

    it("replaces an existing object", async () => {
      const uri = store.join(fresh(), "outputs.pb");
      await store.put(uri, "first");
      await store.put(uri, "second, longer");
      expect(new TextDecoder().decode(await store.get(uri))).toBe("second, longer");
    });

    it("reports an absent object as NotFound from get and getStream, and as absent from head and exists", async () => {
      const uri = store.join(fresh(), "missing.pb");
      await expectAloftError(store.get(uri), Code.NotFound, `no object at ${uri}`);
      await expectAloftError(store.getStream(uri), Code.NotFound, `no object at ${uri}`);
      expect(await store.head(uri)).toBeUndefined();
      expect(await store.exists(uri)).toBe(false);
    });

    it("refuses URIs of a scheme it does not serve", async () => {
      await expectAloftError(store.get(harness.foreignUri), Code.InvalidArgument, /cannot address/);
      await expectAloftError(store.put(harness.foreignUri, "x"), Code.InvalidArgument, /cannot address/);
    });

    it("refuses objects above maxSizeBytes with ResourceExhausted", async () => {
      const uri = store.join(fresh(), "big.pb");
      await store.put(uri, new Uint8Array(100));
      await expectAloftError(
        store.get(uri, { maxSizeBytes: 99 }),
        Code.ResourceExhausted,
        /100 bytes, more than the 99-byte/,
      );
      expect((await store.get(uri, { maxSizeBytes: 100 })).byteLength).toBe(100);
    });

    it("lists every object under a prefix in key order, across pages", async () => {
      const base = fresh();
      // "a-b" sorts before "a/…" in S3's byte order ('-' < '/'), and nesting must not change that.
      const keys = ["a-b", "a/b", "a/c/d", "a/c/e", "a0", "b", ...Array.from({ length: 14 }, (_, i) => `m/${i}`)];
      for (const key of [...keys].reverse()) await store.put(store.join(base, key), key);

      const listed = await collect(store.list(base));

      const expected = keys
        .map((key) => store.join(base, key))
        .sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect(listed).toEqual(expected);
      expect(listed.length).toBeGreaterThan(LIST_PAGE_SIZE * 2);
    });

    it("matches the prefix as a string, as S3 does", async () => {
      const base = fresh();
      for (const key of ["x/ab", "x/abc", "x/abd/c", "x/b"]) await store.put(store.join(base, key), key);

      expect(await collect(store.list(store.join(base, "x/ab")))).toEqual([
        store.join(base, "x/ab"),
        store.join(base, "x/abc"),
        store.join(base, "x/abd/c"),
      ]);
      expect(await collect(store.list(store.join(base, "x/abd") + "/"))).toEqual([store.join(base, "x/abd/c")]);
      expect(await collect(store.list(store.join(base, "nothing-here")))).toEqual([]);
    });

    it("lists one level with recursive: false, sub-prefixes ending in /", async () => {
      const base = fresh();
      // Each sub-prefix also holds a direct object: s3rver only reports common prefixes one level deep.
      for (const key of ["n0/data/inputs.pb", "n0/data/0/outputs.pb", "n0/task.pb", "n1/x.pb", "top.pb"]) {
        await store.put(store.join(base, key), key);
      }

      expect(await collect(store.list(base + "/", { recursive: false }))).toEqual([
        store.join(base, "n0") + "/",
        store.join(base, "n1") + "/",
        store.join(base, "top.pb"),
      ]);
      expect(await collect(store.list(store.join(base, "n0", "data") + "/", { recursive: false }))).toEqual([
        store.join(base, "n0/data/0") + "/",
        store.join(base, "n0/data/inputs.pb"),
      ]);
    });

    it("deletes idempotently, leaving no empty prefix behind", async () => {
      const base = fresh();
      const uri = store.join(base, "a", "b", "c.pb");
      await store.put(uri, "x");
      await store.put(store.join(base, "keep.pb"), "y");

      await store.delete(uri);
      await store.delete(uri);

      expect(await store.exists(uri)).toBe(false);
      expect(await collect(store.list(base + "/", { recursive: false }))).toEqual([store.join(base, "keep.pb")]);
    });

    it("copies objects, and reports a missing source as NotFound", async () => {
      const base = fresh();
      const from = store.join(base, "end-node", "data", "0", "outputs.pb");
      const to = store.join(base, "n2", "data", "0", "outputs.pb");
      await store.put(from, "outputs");

      await store.copy(from, to);

      expect(new TextDecoder().decode(await store.get(to))).toBe("outputs");
      expect(new TextDecoder().decode(await store.get(from))).toBe("outputs");
      const missing = store.join(base, "missing.pb");
      await expectAloftError(store.copy(missing, to), Code.NotFound, `no object at ${missing}`);
    });

    it("copies an immutable source the same way: over an existing object, independent of later writes", async () => {
      const base = fresh();
      const from = store.join(base, "inputs");
      const to = store.join(base, "user_inputs");
      await store.put(from, "first");
      await store.copy(from, to, { immutableSource: true });
      await store.put(from, "second");
      await store.copy(from, to, { immutableSource: true });
      await store.put(from, "third");

      expect(new TextDecoder().decode(await store.get(to))).toBe("second");
      const missing = store.join(base, "missing.pb");
      await expectAloftError(
        store.copy(missing, to, { immutableSource: true }),
        Code.NotFound,
        `no object at ${missing}`,
      );
      expect(await collect(store.list(base + "/"))).toEqual([from, to]);
    });

    it("streams several megabytes in and out without buffering errors", async () => {
      const uri = store.join(fresh(), "raw", "blob.bin");
      const body = randomBytes(6 * MIB + 123);

      const result = await store.put(uri, streamOf(body), { contentMd5: md5(body) });
      const back = await readAll(await store.getStream(uri));

      expect(result).toEqual({ sizeBytes: body.byteLength, contentMd5: md5(body) });
      expect(back.byteLength).toBe(body.byteLength);
      expect(md5(back)).toBe(md5(body));
    });

    it("rejects a body whose MD5 does not match, writing nothing", async () => {
      const base = fresh();
      const uri = store.join(base, "upload.tgz");
      const wrong = md5(Buffer.from("something else"));
      await expectAloftError(
        store.put(uri, "payload", { contentMd5: wrong }),
        Code.InvalidArgument,
        /content MD5 mismatch/,
      );
      expect(await store.exists(uri)).toBe(false);

      await store.put(uri, "original");
      const big = randomBytes(6 * MIB);
      await expectAloftError(
        store.put(uri, streamOf(big), { contentMd5: wrong }),
        Code.InvalidArgument,
        /MD5 mismatch/,
      );
      expect(new TextDecoder().decode(await store.get(uri))).toBe("original");
      expect(await collect(store.list(base))).toEqual([uri]);
    });

    it("rejects a contentMd5 that is not a base64 MD5", async () => {
      const uri = store.join(fresh(), "x.pb");
      await expectAloftError(
        store.put(uri, "x", { contentMd5: "abc" }),
        Code.InvalidArgument,
        /not the base64 of a 16-byte/,
      );
    });

    it("issues signed URLs that let a client PUT and GET one object", async () => {
      const uri = store.join(fresh(), "fast-register", "pkg.tgz");
      const body = randomBytes(4096);

      const put = await store.signedUrl(uri, { method: "PUT", expiresInMs: 60_000, contentMd5: md5(body) });
      const putResponse = await fetch(put.url, { method: "PUT", body, headers: put.headers });
      const get = await store.signedUrl(uri, { method: "GET", expiresInMs: 60_000 });
      const getResponse = await fetch(get.url);

      expect(put.headers).toEqual({ "Content-MD5": md5(body) });
      expect(put.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
      expect(putResponse.status).toBe(200);
      expect(md5(await store.get(uri))).toBe(md5(body));
      expect(getResponse.status).toBe(200);
      expect(md5(new Uint8Array(await getResponse.arrayBuffer()))).toBe(md5(body));
    });

    it("joins references as Flyte's ConstructReference does", () => {
      expect(store.join(harness.root, "metadata/propeller/", "/p-d-e")).toBe(
        `${harness.root}/metadata/propeller/p-d-e`,
      );
    });
  });
}
