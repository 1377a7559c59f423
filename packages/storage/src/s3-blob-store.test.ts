import { randomBytes, randomUUID } from "node:crypto";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { FLYTE_CONTENT_MD5_METADATA, S3BlobStore, type S3BlobStoreOptions } from "./s3.js";
import {
  collect,
  describeBlobStoreContract,
  expectAloftError,
  LIST_PAGE_SIZE,
  md5,
  streamOf,
} from "./blob-store-suite.test-helper.js";
import { S3RVER_CREDENTIALS, startS3rver } from "./s3rver.test-helper.js";

const MIB = 1024 * 1024;
const BUCKET = "aloft-test";

describeBlobStoreContract("S3BlobStore on s3rver", async () => {
  const s3 = await startS3rver([BUCKET]);
  const store = new S3BlobStore({
    bucket: BUCKET,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: S3RVER_CREDENTIALS,
    listPageSize: LIST_PAGE_SIZE,
    multipartPartSizeBytes: 5 * MIB,
  });
  return {
    store,
    root: `s3://${BUCKET}/suite`,
    foreignUri: "gs://bucket/key",
    teardown: async () => {
      await store.close();
      await s3.stop();
    },
  };
});

const realEndpoint = process.env.ALOFT_S3_ENDPOINT;
if (realEndpoint) {
  describeBlobStoreContract(`S3BlobStore on ALOFT_S3_ENDPOINT (${realEndpoint})`, async () => {
    const bucket = process.env.ALOFT_S3_BUCKET ?? BUCKET;
    const store = new S3BlobStore({
      bucket,
      endpoint: realEndpoint,
      forcePathStyle: process.env.ALOFT_S3_FORCE_PATH_STYLE !== "false",
      listPageSize: LIST_PAGE_SIZE,
      multipartPartSizeBytes: 5 * MIB,
    });
    await store.ensureBucket();
    const root = `s3://${bucket}/aloft-storage-tests/${randomUUID()}`;
    return {
      store,
      root,
      foreignUri: "gs://bucket/key",
      teardown: async () => {
        for await (const uri of store.list(root + "/")) await store.delete(uri);
        await store.close();
      },
    };
  });
}

describe("S3BlobStore", () => {
  let s3: { endpoint: string; stop: () => Promise<void> };
  let store: S3BlobStore;
  let raw: S3Client;
  const options = (): S3BlobStoreOptions => ({
    bucket: BUCKET,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: S3RVER_CREDENTIALS,
    multipartPartSizeBytes: 5 * MIB,
  });

  beforeAll(async () => {
    s3 = await startS3rver([BUCKET]);
    store = new S3BlobStore(options());
    raw = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: S3RVER_CREDENTIALS,
    });
  });
  afterAll(async () => {
    raw.destroy();
    await store.close();
    await s3.stop();
  });

  it("stores the MD5 as flytecontentmd5 metadata, where Flyte's data proxy looks for it", async () => {
    const uri = `s3://${BUCKET}/${randomUUID()}/pkg.tgz`;
    const body = randomBytes(100);
    await store.put(uri, body, { contentType: "application/gzip" });

    const object = await raw.send(new HeadObjectCommand({ Bucket: BUCKET, Key: uri.slice(`s3://${BUCKET}/`.length) }));

    expect(object.Metadata).toEqual({ [FLYTE_CONTENT_MD5_METADATA]: md5(body) });
    expect(await store.head(uri)).toMatchObject({
      contentMd5: md5(body),
      contentType: "application/gzip",
      sizeBytes: 100,
    });
  });

  it("uploads a stream of several parts whole, reporting its MD5", async () => {
    const uri = `s3://${BUCKET}/${randomUUID()}/raw.bin`;
    const body = randomBytes(11 * MIB);

    const result = await store.put(uri, streamOf(body));

    expect(result).toEqual({ sizeBytes: body.byteLength, contentMd5: md5(body) });
    expect((await store.head(uri))?.sizeBytes).toBe(body.byteLength);
    expect(md5(await store.get(uri))).toBe(md5(body));
  });

  it("signs Content-MD5, and the flytecontentmd5 header when asked, into PUT URLs", async () => {
    const uri = `s3://${BUCKET}/${randomUUID()}/upload.bin`;
    const body = randomBytes(2048);
    const contentMd5 = md5(body);

    const signed = await store.signedUrl(uri, {
      method: "PUT",
      expiresInMs: 900_000,
      contentMd5,
      addContentMd5Metadata: true,
    });
    const response = await fetch(signed.url, { method: "PUT", body, headers: signed.headers });

    const query = new URL(signed.url).searchParams;
    expect(query.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["content-md5", "host", "x-amz-meta-flytecontentmd5"]);
    expect(query.get("X-Amz-Expires")).toBe("900");
    expect(signed.headers).toEqual({ "Content-MD5": contentMd5, "x-amz-meta-flytecontentmd5": contentMd5 });
    expect(response.status).toBe(200);
    expect((await store.head(uri))?.contentMd5).toBe(contentMd5);
  });

  it("refuses signed URL lifetimes S3 cannot honour", async () => {
    const uri = `s3://${BUCKET}/x`;
    await expectAloftError(
      store.signedUrl(uri, { method: "GET", expiresInMs: 8 * 24 * 3600 * 1000 }),
      Code.InvalidArgument,
      /at most 604800000 \(7 days\)/,
    );
    await expectAloftError(store.signedUrl(uri, { method: "GET", expiresInMs: 0 }), Code.InvalidArgument, /above 0/);
  });

  it("reports a missing bucket as NotFound and URIs without a key as InvalidArgument", async () => {
    await expectAloftError(
      store.get("s3://no-such-bucket/x"),
      Code.NotFound,
      "the bucket of s3://no-such-bucket/x does not exist",
    );
    await expectAloftError(
      store.get(`s3://${BUCKET}/`),
      Code.InvalidArgument,
      `invalid URI "s3://${BUCKET}/": no object key`,
    );
    await expectAloftError(store.get("s3:///key"), Code.InvalidArgument, 'invalid URI "s3:///key": no bucket');
  });

  it("creates a missing bucket with ensureBucket, and accepts one that exists", async () => {
    const other = new S3BlobStore({ ...options(), bucket: "fresh-bucket" });
    try {
      await other.ensureBucket();
      await other.ensureBucket();
      await other.put("s3://fresh-bucket/a", "x");
      expect(await collect(other.list("s3://fresh-bucket"))).toEqual(["s3://fresh-bucket/a"]);
    } finally {
      await other.close();
    }
  });

  it("lists keys with characters Go escapes as URIs that read back", async () => {
    const base = `s3://${BUCKET}/${randomUUID()}`;
    await store.put(`${base}/a%20b(1).pb`, "x");

    const listed = await collect(store.list(base));

    expect(listed).toEqual([`${base}/a%20b%281%29.pb`]);
    expect(new TextDecoder().decode(await store.get(listed[0]!))).toBe("x");
  });
});
