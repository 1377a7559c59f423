import { randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { fileUri, FsBlobStore, verifySignedUrl } from "./index.js";
import {
  collect,
  describeBlobStoreContract,
  expectAloftError,
  expectThrowsAloftError,
  md5,
  streamOf,
} from "./blob-store-suite.test-helper.js";
import { startFsBlobServer } from "./fs-blob-server.test-helper.js";

const SECRET = "a-test-secret-of-enough-bytes";

describeBlobStoreContract("FsBlobStore", async () => {
  const dir = await makeTempDir("aloft-fs-store-");
  // The server only asks for the store when a request arrives, after it exists.
  const server = await startFsBlobServer(() => store);
  const store = new FsBlobStore({ root: dir.path, signing: { secret: SECRET, publicBaseUrl: server.publicBaseUrl } });
  return {
    store,
    root: fileUri(dir.path),
    foreignUri: "gs://bucket/key",
    teardown: async () => {
      await server.close();
      await dir.cleanup();
    },
  };
});

// The same contract with small bodies written through the synchronous path.
describeBlobStoreContract("FsBlobStore with synchronous small writes", async () => {
  const dir = await makeTempDir("aloft-fs-store-sync-");
  const server = await startFsBlobServer(() => store);
  const store = new FsBlobStore({
    root: dir.path,
    signing: { secret: SECRET, publicBaseUrl: server.publicBaseUrl },
    syncWriteMaxBytes: 64 * 1024,
  });
  return {
    store,
    root: fileUri(dir.path),
    foreignUri: "gs://bucket/key",
    teardown: async () => {
      await server.close();
      await dir.cleanup();
    },
  };
});

describe("FsBlobStore", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let store: FsBlobStore;
  let root: string;

  beforeEach(async () => {
    dir = await makeTempDir("aloft-fs-store-");
    store = new FsBlobStore({
      root: dir.path,
      signing: { secret: SECRET, publicBaseUrl: "http://localhost:30080/blobs/" },
    });
    root = fileUri(dir.path);
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("keeps objects as plain files under the root", async () => {
    await store.put(`${root}/metadata/propeller/p-d-e/n0/data/inputs.pb`, "inputs");
    expect(await readFile(join(dir.path, "metadata/propeller/p-d-e/n0/data/inputs.pb"), "utf8")).toBe("inputs");
    expect(store.baseUri).toBe(root);
  });

  it("makes a copy of an immutable source a hard link, and a plain copy otherwise", async () => {
    await store.put(`${root}/metadata/p/d/e/inputs`, "inputs");
    await store.copy(`${root}/metadata/p/d/e/inputs`, `${root}/metadata/p/d/e/user_inputs`, { immutableSource: true });
    await store.copy(`${root}/metadata/p/d/e/inputs`, `${root}/metadata/p/d/e/copied`);
    const [inputs, linked, copied] = await Promise.all(
      ["inputs", "user_inputs", "copied"].map((name) => stat(join(dir.path, "metadata/p/d/e", name))),
    );
    expect(linked!.ino).toBe(inputs!.ino);
    expect(copied!.ino).not.toBe(inputs!.ino);
    expect(await readFile(join(dir.path, "metadata/p/d/e/user_inputs"), "utf8")).toBe("inputs");
    // A directory is not an object: the copy fails as a plain copy does.
    await expectAloftError(
      store.copy(`${root}/metadata/p/d`, `${root}/metadata/x`, { immutableSource: true }),
      Code.NotFound,
      /no object at/,
    );
  });

  it("rejects URIs outside the root, dot segments and other schemes with InvalidArgument", async () => {
    await expectAloftError(store.get(`${root}/../escape.pb`), Code.InvalidArgument, /"\." and "\.\." segments/);
    await expectAloftError(
      store.put(`${root}/a/%2e%2e/%2E%2E/x`, "x"),
      Code.InvalidArgument,
      /"\." and "\.\." segments/,
    );
    await expectAloftError(store.get("file:///etc/passwd"), Code.InvalidArgument, /is outside the blob store root/);
    await expectAloftError(store.get(`${root}-sibling/x`), Code.InvalidArgument, /is outside the blob store root/);
    await expectAloftError(store.get(`${root}/a//b`), Code.InvalidArgument, /empty path segment/);
    await expectAloftError(store.get(`file://host${dir.path}/x`), Code.InvalidArgument, /file:\/\/\/<absolute path>/);
    await expectAloftError(store.get("s3://bucket/key"), Code.InvalidArgument, /cannot address "s3:\/\/bucket\/key"/);
    await expectAloftError(store.get(`${root}/a%00b`), Code.InvalidArgument, /NUL/);
    expect(await collect(store.list(root))).toEqual([]);
  });

  it("answers an alias scheme as buckets under the root", async () => {
    const aliased = new FsBlobStore({ root: dir.path, aliasSchemes: ["s3"], baseUri: "s3://my-s3-bucket" });
    await aliased.put("s3://my-s3-bucket/metadata/a b.pb", "x");
    await aliased.put(`${root}/other/file.pb`, "y");

    expect(await readFile(join(dir.path, "my-s3-bucket/metadata/a b.pb"), "utf8")).toBe("x");
    expect(await collect(aliased.list("s3://my-s3-bucket"))).toEqual(["s3://my-s3-bucket/metadata/a%20b.pb"]);
    expect(await collect(aliased.list(root))).toEqual([
      `${root}/my-s3-bucket/metadata/a%20b.pb`,
      `${root}/other/file.pb`,
    ]);
    expect(aliased.baseUri).toBe("s3://my-s3-bucket");
  });

  it("lists a directory holding objects only deeper down as one sub-prefix, and an emptied one not at all", async () => {
    await store.put(`${root}/a/data/0/outputs.pb`, "x");
    await store.put(`${root}/b/data/inputs.pb`, "y");
    await store.delete(`${root}/b/data/inputs.pb`);

    expect(await collect(store.list(root, { recursive: false }))).toEqual([`${root}/a/`]);
    expect(await readdir(dir.path)).toEqual(["a"]);
  });

  it("cannot make one path both an object and a prefix (FailedPrecondition)", async () => {
    await store.put(`${root}/a/b`, "object");
    await expectAloftError(store.put(`${root}/a/b/c`, "x"), Code.FailedPrecondition, /both an object and a prefix/);
    await expectAloftError(store.put(`${root}/a`, "x"), Code.FailedPrecondition, /both an object and a prefix/);
    expect(await store.exists(`${root}/a`)).toBe(false);
  });

  it("never shows a write in progress: no partial object, no temporary file in listings", async () => {
    const uri = `${root}/raw/upload.bin`;
    const body = new PassThrough();
    const writing = store.put(uri, body);
    body.write(Buffer.alloc(1024, 1));
    const rawDir = join(dir.path, "raw");
    const partialFile = async () => {
      const names = await readdir(rawDir).catch(() => []);
      const size = names.length === 1 ? (await stat(join(rawDir, names[0]!))).size : 0;
      return size === 1024 ? names[0] : undefined;
    };
    let partial: string | undefined;
    while ((partial = await partialFile()) === undefined) await new Promise((resolve) => setTimeout(resolve, 5));

    expect(partial).toMatch(/^\.upload\.bin\.aloft-tmp-[0-9a-f]{16}$/);
    expect(await store.exists(uri)).toBe(false);
    expect(await collect(store.list(root))).toEqual([]);

    body.end(Buffer.alloc(1024, 2));
    await writing;
    expect((await store.get(uri)).byteLength).toBe(2048);
    expect(await readdir(join(dir.path, "raw"))).toEqual(["upload.bin"]);
  });

  it("gives concurrent readers only whole objects while a writer keeps replacing one", async () => {
    const uri = `${root}/n0/data/0/outputs.pb`;
    const size = 128 * 1024;
    await store.put(uri, Buffer.alloc(size, 0));
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 25; i++) await store.put(uri, streamOf(Buffer.alloc(size, i)));
      writing = false;
    })();
    const reader = async () => {
      let reads = 0;
      while (writing) {
        const bytes = await store.get(uri);
        expect(bytes.byteLength).toBe(size);
        expect(bytes.every((b) => b === bytes[0])).toBe(true);
        reads++;
      }
      return reads;
    };

    const reads = await Promise.all([reader(), reader(), reader()]);
    await writer;

    expect(reads.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect((await store.get(uri))[0]).toBe(25);
  });

  it("signs URLs that verifySignedUrl accepts, carrying the key, method, expiry and MD5", async () => {
    const uri = `${root}/data/pkg.tgz`;
    const contentMd5 = md5(Buffer.from("pkg"));
    const signed = await store.signedUrl(uri, { method: "PUT", expiresInMs: 60_000, contentMd5 });

    const grant = verifySignedUrl(signed.url, {
      secret: SECRET,
      publicBaseUrl: "http://localhost:30080/blobs",
      root: dir.path,
    });

    expect(signed.url.startsWith("http://localhost:30080/blobs/data/pkg.tgz?")).toBe(true);
    expect(signed.headers).toEqual({ "Content-MD5": contentMd5 });
    expect(grant).toEqual({ uri, method: "PUT", contentMd5, expiresAt: signed.expiresAt });
    expect(store.verifySignedUrl(new URL(signed.url).pathname + new URL(signed.url).search)).toEqual(grant);
  });

  it("signs keys with spaces and non-ASCII characters", async () => {
    const uri = `${root}/dir%20x/%C3%A9t%C3%A9(1).pb`;
    const signed = await store.signedUrl(uri, { method: "GET", expiresInMs: 60_000 });

    expect(new URL(signed.url).pathname).toBe("/blobs/dir%20x/%C3%A9t%C3%A9(1).pb");
    expect(store.verifySignedUrl(signed.url).uri).toBe(`${root}/dir%20x/%C3%A9t%C3%A9%281%29.pb`);
  });

  it("refuses tampered signed URLs with PermissionDenied", async () => {
    const signed = await store.signedUrl(`${root}/data/a.pb`, {
      method: "GET",
      expiresInMs: 60_000,
    });
    const tamper = (edit: (url: URL) => void) => {
      const url = new URL(signed.url);
      edit(url);
      return url.toString();
    };
    const attempts = [
      tamper((u) => u.searchParams.set("X-Aloft-Method", "PUT")),
      tamper((u) => (u.pathname = "/blobs/data/b.pb")),
      tamper((u) => u.searchParams.set("X-Aloft-Expires", String(Date.now() + 86_400_000))),
      tamper((u) => u.searchParams.set("X-Aloft-Content-MD5", md5(Buffer.from("x")))),
      tamper((u) => {
        const signature = u.searchParams.get("X-Aloft-Signature")!;
        u.searchParams.set("X-Aloft-Signature", (signature.startsWith("A") ? "B" : "A") + signature.slice(1));
      }),
    ];

    for (const url of attempts) {
      expectThrowsAloftError(
        () => store.verifySignedUrl(url),
        Code.PermissionDenied,
        "signed URL signature does not match",
      );
    }
    const otherSecret = new FsBlobStore({
      root: dir.path,
      signing: { secret: "another-secret-of-enough-bytes", publicBaseUrl: "http://localhost:30080/blobs" },
    });
    expectThrowsAloftError(() => otherSecret.verifySignedUrl(signed.url), Code.PermissionDenied, /does not match/);
  });

  it("refuses expired signed URLs with PermissionDenied and malformed ones with InvalidArgument", async () => {
    const signed = await store.signedUrl(`${root}/data/a.pb`, { method: "GET", expiresInMs: 1_000 });
    const later = new Date(signed.expiresAt.getTime() + 1);

    expect(store.verifySignedUrl(signed.url, { now: signed.expiresAt }).method).toBe("GET");
    expectThrowsAloftError(
      () => store.verifySignedUrl(signed.url, { now: later }),
      Code.PermissionDenied,
      `signed URL expired at ${signed.expiresAt.toISOString()}`,
    );
    expectThrowsAloftError(
      () => store.verifySignedUrl("http://localhost:30080/other/a.pb"),
      Code.InvalidArgument,
      'not a signed blob URL: its path does not start with "/blobs/"',
    );
    expectThrowsAloftError(
      () => store.verifySignedUrl("http://localhost:30080/blobs/a.pb?X-Aloft-Method=GET"),
      Code.InvalidArgument,
      "not a signed blob URL: X-Aloft-Expires must be epoch milliseconds",
    );
  });

  it("cannot sign without a secret, nor with a short one", async () => {
    const unsigned = new FsBlobStore({ root: dir.path });
    await expectAloftError(
      unsigned.signedUrl(`${root}/a`, { method: "GET", expiresInMs: 1000 }),
      Code.FailedPrecondition,
      /no signing secret/,
    );
    expectThrowsAloftError(
      () => new FsBlobStore({ root: dir.path, signing: { secret: "short", publicBaseUrl: "http://x/b" } }),
      Code.InvalidArgument,
      "the signing secret must have at least 16 bytes, got 5",
    );
  });

  it("serves signed URLs end to end, refusing an upload whose body does not match the signed MD5", async () => {
    let served: FsBlobStore | undefined;
    const server = await startFsBlobServer(() => served!);
    try {
      served = new FsBlobStore({ root: dir.path, signing: { secret: SECRET, publicBaseUrl: server.publicBaseUrl } });
      const uri = `${root}/uploads/pkg.tgz`;
      const body = randomBytes(1000);
      const put = await served.signedUrl(uri, { method: "PUT", expiresInMs: 60_000, contentMd5: md5(body) });

      const wrongBody = await fetch(put.url, { method: "PUT", body: randomBytes(1000), headers: put.headers });
      const noHeader = await fetch(put.url, { method: "PUT", body });
      const asGet = await fetch(put.url);

      expect([wrongBody.status, noHeader.status, asGet.status]).toEqual([400, 403, 403]);
      expect(await served.exists(uri)).toBe(false);
    } finally {
      await server.close();
    }
  });
});
