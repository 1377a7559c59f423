import { createHash } from "node:crypto";
import { join } from "node:path";
import { createHmacSignedUrl, FsBlobStore } from "@aloft/storage";
import { makeTempDir } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fake-managers.test-helper.js";

const secret = "a-test-secret-of-enough-bytes";
let dir: { path: string; cleanup: () => Promise<void> };
let store: FsBlobStore;
let t: TestServer;

beforeAll(async () => {
  dir = await makeTempDir("aloft-blobs-");
  // Only the path and query of a signed URL are verified, so the placeholder host is swapped for the real one.
  store = new FsBlobStore({ root: dir.path, signing: { secret, publicBaseUrl: "http://admin.invalid/blobs" } });
  t = await startTestServer({ blobStore: store });
});
afterAll(async () => {
  await t.close();
  await dir.cleanup();
});

const local = (url: string): string => url.replace("http://admin.invalid", t.url);
const md5 = (body: string): string => createHash("md5").update(body).digest("base64");
const uri = (key: string): string => `file://${join(dir.path, key)}`;

describe("the signed blob route", () => {
  it("accepts a signed PUT with its Content-MD5 and serves the bytes to a signed GET", async () => {
    const body = "hello, blobs";
    const put = await store.signedUrl(uri("uploads/a/hello.txt"), {
      method: "PUT",
      expiresInMs: 60_000,
      contentMd5: md5(body),
    });
    const uploaded = await fetch(local(put.url), { method: "PUT", headers: put.headers, body });
    expect(uploaded.status).toBe(200);

    const get = await store.signedUrl(uri("uploads/a/hello.txt"), { method: "GET", expiresInMs: 60_000 });
    const downloaded = await fetch(local(get.url));
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get("content-type")).toBe("application/octet-stream");
    expect(await downloaded.text()).toBe(body);
  });

  it("refuses a changed signature, an expired URL and the wrong method with 403", async () => {
    await store.put(uri("x/y.bin"), "data");
    const get = await store.signedUrl(uri("x/y.bin"), { method: "GET", expiresInMs: 60_000 });
    const tampered = local(get.url).replace(/X-Aloft-Signature=[^&]+/, "X-Aloft-Signature=AAAA");
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual({ code: 7, message: "signed URL signature does not match", details: [] });

    const expiredAt = new Date(Date.now() - 1000);
    const expired = createHmacSignedUrl({
      signing: { secret, publicBaseUrl: `${t.url}/blobs` },
      key: "x/y.bin",
      method: "GET",
      expiresAt: expiredAt,
    });
    const late = await fetch(expired);
    expect(late.status).toBe(403);
    expect(await late.json()).toEqual({
      code: 7,
      message: `signed URL expired at ${expiredAt.toISOString()}`,
      details: [],
    });

    const wrongMethod = await fetch(local(get.url), { method: "PUT", body: "x" });
    expect(wrongMethod.status).toBe(403);
    expect(await wrongMethod.json()).toMatchObject({ message: "this signed URL allows GET only" });
  });

  it("enforces the signed Content-MD5 on PUT", async () => {
    const put = await store.signedUrl(uri("m/file"), {
      method: "PUT",
      expiresInMs: 60_000,
      contentMd5: md5("expected"),
    });
    const missing = await fetch(local(put.url), { method: "PUT", body: "expected" });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({
      message: "the Content-MD5 header must equal the one the URL was signed with",
    });

    const mismatch = await fetch(local(put.url), { method: "PUT", headers: put.headers, body: "something else" });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ code: 3 });
    expect(await store.exists(uri("m/file"))).toBe(false);
  });

  it("answers 404 for a missing object, 400 for a malformed URL and 405 for other methods", async () => {
    const get = await store.signedUrl(uri("absent/file"), { method: "GET", expiresInMs: 60_000 });
    expect((await fetch(local(get.url))).status).toBe(404);
    const malformed = await fetch(`${t.url}/blobs/some/key`);
    expect(malformed.status).toBe(400);
    expect((await fetch(`${t.url}/blobs/some/key`, { method: "DELETE" })).status).toBe(405);
  });
});
