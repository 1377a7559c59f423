/**
 * The production store: any S3-compatible service through `@aws-sdk/client-s3`.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AloftError, Code } from "@aloft/idl";
import type {
  BlobBody,
  BlobHead,
  BlobStore,
  GetOptions,
  ListOptions,
  PutOptions,
  PutResult,
  SignedUrl,
  SignedUrlOptions,
} from "./blob-store.js";
import { formatBlobUri, joinUri, parseBlobUri } from "./blob-uri.js";
import { bodyBytes, checkContentMd5, md5Base64, verifyContentMd5 } from "./content-md5.js";
import { checkSizeLimit } from "./size-limit.js";

/** Object metadata key holding the base64 MD5, as Flyte's `stow` writes and its data proxy reads it. */
export const FLYTE_CONTENT_MD5_METADATA = "flytecontentmd5";

const MIB = 1024 * 1024;
const MIN_PART_SIZE_BYTES = 5 * MIB;
const MAX_SINGLE_COPY_BYTES = 5 * 1024 * MIB;
const MAX_SIGNED_URL_MS = 7 * 24 * 60 * 60 * 1000;

/** Static credentials; leave them out to use the AWS default chain (env, profile, IMDS, …). */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options for {@link S3BlobStore}. */
export interface S3BlobStoreOptions {
  /** The base container ({@link S3BlobStore.baseUri} is `s3://<bucket>`); URIs may name other buckets too. */
  bucket: string;
  /** Endpoint of an S3-compatible service, e.g. `http://127.0.0.1:9000`. @default AWS */
  endpoint?: string;
  /** @default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then `us-east-1` */
  region?: string;
  /** Address buckets as `<endpoint>/<bucket>` (needed by most non-AWS services). @default false */
  forcePathStyle?: boolean;
  /** @default the AWS default credential chain */
  credentials?: S3Credentials;
  /**
   * Endpoint to sign URLs for, when clients reach the service by another address than Aloft does
   * (Flyte's `signedUrl.stowConfigOverride`). @default `endpoint`
   */
  signedUrlEndpoint?: string;
  /** Part size for streamed uploads, at least 5 MiB; at most 10,000 parts fit in one object. @default 8 MiB */
  multipartPartSizeBytes?: number;
  /** Keys per `ListObjectsV2` page, 1–1000. @default 1000 */
  listPageSize?: number;
}

/**
 * A {@link BlobStore} over S3. URIs are `s3://<bucket>/<key>` (any bucket the credentials reach).
 *
 * Byte bodies go up in one `PutObject` with `Content-MD5`. Streams are read one part at a time: a stream
 * that fits in one part becomes a `PutObject`, a longer one a multipart upload that is completed only
 * if the whole body's MD5 matches, and aborted otherwise, so a bad upload never becomes visible.
 * The MD5 is also stored as `flytecontentmd5` metadata whenever it is known before the upload starts.
 */
export class S3BlobStore implements BlobStore {
  readonly baseUri: string;
  readonly bucket: string;
  readonly #client: S3Client;
  readonly #presignClient: S3Client;
  readonly #partSizeBytes: number;
  readonly #listPageSize: number;

  constructor(options: S3BlobStoreOptions) {
    if (!options.bucket) throw AloftError.invalidArgument("an S3 blob store needs a bucket");
    this.bucket = options.bucket;
    this.baseUri = `s3://${options.bucket}`;
    this.#partSizeBytes = options.multipartPartSizeBytes ?? 8 * MIB;
    if (!Number.isInteger(this.#partSizeBytes) || this.#partSizeBytes < MIN_PART_SIZE_BYTES) {
      throw AloftError.invalidArgument(`multipartPartSizeBytes must be an integer of at least ${MIN_PART_SIZE_BYTES}`);
    }
    this.#listPageSize = options.listPageSize ?? 1000;
    if (!Number.isInteger(this.#listPageSize) || this.#listPageSize < 1 || this.#listPageSize > 1000) {
      throw AloftError.invalidArgument(`listPageSize must be an integer from 1 to 1000, got ${options.listPageSize}`);
    }
    this.#client = new S3Client(clientConfig(options, options.endpoint));
    this.#presignClient =
      options.signedUrlEndpoint === undefined
        ? this.#client
        : new S3Client(clientConfig(options, options.signedUrlEndpoint));
  }

  join(base: string, ...parts: string[]): string {
    return joinUri(base, ...parts);
  }

  /** Creates the base bucket unless it exists (Flyte creates its container at start-up). */
  async ensureBucket(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (statusOf(error) !== 404) throw s3Error(error, this.baseUri);
    }
    try {
      await this.#client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!["BucketAlreadyOwnedByYou", "BucketAlreadyExists"].includes(nameOf(error))) {
        throw s3Error(error, this.baseUri);
      }
    }
  }

  async get(uri: string, options: GetOptions = {}): Promise<Uint8Array> {
    const body = await this.#getBody(uri, options);
    try {
      return await body.transformToByteArray();
    } catch (error) {
      throw s3Error(error, uri);
    }
  }

  async getStream(uri: string): Promise<Readable> {
    const body = await this.#getBody(uri, {});
    const stream = body as unknown;
    if (stream instanceof Readable) return stream;
    return Readable.fromWeb(body.transformToWebStream() as Parameters<typeof Readable.fromWeb>[0]);
  }

  async put(uri: string, data: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    const target = this.#locateObject(uri);
    if (options.contentMd5 !== undefined) checkContentMd5(options.contentMd5);
    if (typeof data === "string" || data instanceof Uint8Array) {
      return this.#putBytes({ ...target, uri, bytes: bodyBytes(data), options });
    }
    const parts = readParts(data, this.#partSizeBytes);
    const first = await nextPart(parts, uri);
    const second = first === undefined ? undefined : await nextPart(parts, uri);
    if (second === undefined) {
      return this.#putBytes({ ...target, uri, bytes: first ?? new Uint8Array(0), options });
    }
    return this.#putMultipart({ ...target, uri, firstParts: [first!, second], rest: parts, options });
  }

  async head(uri: string): Promise<BlobHead | undefined> {
    const { bucket, key } = this.#locateObject(uri);
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const head: BlobHead = { sizeBytes: out.ContentLength ?? 0, lastModified: out.LastModified ?? new Date(0) };
      if (out.ETag !== undefined) head.etag = out.ETag.replace(/"/g, "");
      const contentMd5 = out.Metadata?.[FLYTE_CONTENT_MD5_METADATA];
      if (contentMd5 !== undefined) head.contentMd5 = contentMd5;
      if (out.ContentType !== undefined) head.contentType = out.ContentType;
      return head;
    } catch (error) {
      if (statusOf(error) === 404 || nameOf(error) === "NotFound") return undefined;
      throw s3Error(error, uri);
    }
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.head(uri)) !== undefined;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const parsed = this.#parse(prefix);
    const keyPrefix = parsed.key + (parsed.endsWithSlash && parsed.key !== "" ? "/" : "");
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: parsed.bucket,
            Prefix: keyPrefix === "" ? undefined : keyPrefix,
            Delimiter: (options.recursive ?? true) ? undefined : "/",
            MaxKeys: this.#listPageSize,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw s3Error(error, prefix);
      }
      const keys = [
        ...(page.Contents ?? []).map((object) => object.Key ?? ""),
        ...(page.CommonPrefixes ?? []).map((common) => common.Prefix ?? ""),
      ].filter((key) => key !== "");
      // Objects and common prefixes come back as two lists; merge them back into key order.
      keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const key of keys) yield formatBlobUri({ scheme: "s3", bucket: parsed.bucket, key });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = this.#locateObject(uri);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw s3Error(error, uri);
    }
  }

  async copy(from: string, to: string): Promise<void> {
    const source = this.#locateObject(from);
    const target = this.#locateObject(to);
    try {
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          CopySource: `${source.bucket}/${source.key.split("/").map(encodeURIComponent).join("/")}`,
        }),
      );
    } catch (error) {
      const head = nameOf(error) === "InvalidRequest" ? await this.head(from) : undefined;
      if (head === undefined || head.sizeBytes <= MAX_SINGLE_COPY_BYTES) throw s3Error(error, from);
      // CopyObject stops at 5 GiB; larger objects are streamed through this process instead.
      await this.put(to, await this.getStream(from), head.contentType ? { contentType: head.contentType } : {});
    }
  }

  async signedUrl(uri: string, options: SignedUrlOptions): Promise<SignedUrl> {
    const { bucket, key } = this.#locateObject(uri);
    if (!Number.isFinite(options.expiresInMs) || options.expiresInMs <= 0 || options.expiresInMs > MAX_SIGNED_URL_MS) {
      throw AloftError.invalidArgument(
        `expiresInMs must be above 0 and at most ${MAX_SIGNED_URL_MS} (7 days), got ${options.expiresInMs}`,
      );
    }
    const expiresInSeconds = Math.ceil(options.expiresInMs / 1000);
    const expiresAt = new Date(Date.now() + expiresInSeconds * 1000);
    try {
      if (options.method === "GET") {
        const url = await getSignedUrl(this.#presignClient, new GetObjectCommand({ Bucket: bucket, Key: key }), {
          expiresIn: expiresInSeconds,
        });
        return { url, expiresAt, headers: {} };
      }
      const contentMd5 = options.contentMd5;
      if (contentMd5 === undefined) {
        const url = await getSignedUrl(this.#presignClient, new PutObjectCommand({ Bucket: bucket, Key: key }), {
          expiresIn: expiresInSeconds,
        });
        return { url, expiresAt, headers: {} };
      }
      checkContentMd5(contentMd5);
      const headers: Record<string, string> = { "Content-MD5": contentMd5 };
      const metadataHeader = `x-amz-meta-${FLYTE_CONTENT_MD5_METADATA}`;
      if (options.addContentMd5Metadata) headers[metadataHeader] = contentMd5;
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentMD5: contentMd5,
        ...(options.addContentMd5Metadata ? { Metadata: { [FLYTE_CONTENT_MD5_METADATA]: contentMd5 } } : {}),
      });
      // Keep the metadata a signed header, as Flyte's presigner does, instead of hoisting it into the query.
      const url = await getSignedUrl(this.#presignClient, command, {
        expiresIn: expiresInSeconds,
        unhoistableHeaders: new Set([metadataHeader]),
      });
      return { url, expiresAt, headers };
    } catch (error) {
      throw s3Error(error, uri);
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
    if (this.#presignClient !== this.#client) this.#presignClient.destroy();
  }

  #parse(uri: string): { bucket: string; key: string; endsWithSlash: boolean } {
    const parsed = parseBlobUri(uri);
    if (parsed.scheme !== "s3") {
      throw AloftError.invalidArgument(`the S3 blob store cannot address "${uri}": expected s3://<bucket>/<key>`);
    }
    if (parsed.bucket === "") throw AloftError.invalidArgument(`invalid URI "${uri}": no bucket`);
    return parsed;
  }

  #locateObject(uri: string): { bucket: string; key: string } {
    const { bucket, key } = this.#parse(uri);
    if (key === "") throw AloftError.invalidArgument(`invalid URI "${uri}": no object key`);
    return { bucket, key };
  }

  async #getBody(uri: string, options: GetOptions) {
    const { bucket, key } = this.#locateObject(uri);
    let out;
    try {
      out = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw s3Error(error, uri);
    }
    if (!out.Body) throw AloftError.internal(`S3 returned no body for ${uri}`);
    if (options.maxSizeBytes !== undefined && out.ContentLength !== undefined) {
      try {
        checkSizeLimit({ uri, sizeBytes: out.ContentLength, maxSizeBytes: options.maxSizeBytes });
      } catch (error) {
        (out.Body as unknown as Readable).destroy?.();
        throw error;
      }
    }
    return out.Body;
  }

  async #putBytes(request: {
    bucket: string;
    key: string;
    uri: string;
    bytes: Uint8Array;
    options: PutOptions;
  }): Promise<PutResult> {
    const contentMd5 = md5Base64(request.bytes);
    verifyContentMd5({ uri: request.uri, expected: request.options.contentMd5, actual: contentMd5 });
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: request.bucket,
          Key: request.key,
          Body: request.bytes,
          ContentMD5: contentMd5,
          ContentType: request.options.contentType,
          Metadata: { [FLYTE_CONTENT_MD5_METADATA]: contentMd5 },
        }),
      );
    } catch (error) {
      throw s3Error(error, request.uri);
    }
    return { sizeBytes: request.bytes.byteLength, contentMd5 };
  }

  async #putMultipart(request: {
    bucket: string;
    key: string;
    uri: string;
    firstParts: readonly Uint8Array[];
    rest: AsyncIterable<Uint8Array>;
    options: PutOptions;
  }): Promise<PutResult> {
    const { bucket, key, uri, options } = request;
    let uploadId: string | undefined;
    try {
      const created = await this.#client.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ContentType: options.contentType,
          ...(options.contentMd5 === undefined
            ? {}
            : { Metadata: { [FLYTE_CONTENT_MD5_METADATA]: options.contentMd5 } }),
        }),
      );
      uploadId = created.UploadId;
      if (!uploadId) throw AloftError.internal(`S3 returned no upload id for ${uri}`);
      const hash = createHash("md5");
      const completed: { PartNumber: number; ETag: string | undefined }[] = [];
      let sizeBytes = 0;
      const uploadPart = async (part: Uint8Array) => {
        hash.update(part);
        sizeBytes += part.byteLength;
        const PartNumber = completed.length + 1;
        const out = await this.#client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber,
            Body: part,
            ContentMD5: md5Base64(part),
          }),
        );
        completed.push({ PartNumber, ETag: out.ETag });
      };
      for (const part of request.firstParts) await uploadPart(part);
      for await (const part of request.rest) await uploadPart(part);
      const contentMd5 = hash.digest("base64");
      verifyContentMd5({ uri, expected: options.contentMd5, actual: contentMd5 });
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: completed },
        }),
      );
      return { sizeBytes, contentMd5 };
    } catch (error) {
      if (uploadId) {
        await this.#client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      throw s3Error(error, uri);
    }
  }
}

function clientConfig(options: S3BlobStoreOptions, endpoint: string | undefined): S3ClientConfig {
  return {
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Checksums only where S3 demands them: we send Content-MD5 ourselves, presigned URLs must not
    // carry a checksum of an empty body, and older S3-compatible services reject the new headers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

/** Reads a stream into parts of at least `partSizeBytes` (the last may be shorter). */
async function* readParts(stream: Readable, partSizeBytes: number): AsyncGenerator<Uint8Array, void> {
  let chunks: Uint8Array[] = [];
  let buffered = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    const bytes = bodyBytes(chunk);
    chunks.push(bytes);
    buffered += bytes.byteLength;
    if (buffered >= partSizeBytes) {
      yield Buffer.concat(chunks, buffered);
      chunks = [];
      buffered = 0;
    }
  }
  if (buffered > 0) yield Buffer.concat(chunks, buffered);
}

async function nextPart(parts: AsyncGenerator<Uint8Array, void>, uri: string): Promise<Uint8Array | undefined> {
  try {
    const next = await parts.next();
    return next.done ? undefined : next.value;
  } catch (error) {
    throw AloftError.internal(`reading the body for ${uri} failed: ${(error as Error).message}`, { cause: error });
  }
}

const NETWORK_ERRORS = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"];

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string {
  return (error as { name?: string; Code?: string } | undefined)?.Code ?? (error as Error | undefined)?.name ?? "";
}

/** S3 SDK failures as `AloftError`s, mapped once here. */
function s3Error(error: unknown, uri: string): AloftError {
  if (error instanceof AloftError) return error;
  const status = statusOf(error);
  const name = nameOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  if (name === "NoSuchBucket") return AloftError.notFound(`the bucket of ${uri} does not exist`, options);
  if (status === 404 || name === "NoSuchKey" || name === "NotFound")
    return AloftError.notFound(`no object at ${uri}`, options);
  if (name === "BadDigest" || name === "InvalidDigest") {
    return AloftError.invalidArgument(`content MD5 mismatch for ${uri}: ${message}`, options);
  }
  if (status === 403 || name === "AccessDenied") {
    return new AloftError(Code.PermissionDenied, `${uri}: ${message}`, options);
  }
  const networkCode = (error as { code?: string } | undefined)?.code ?? "";
  const transient =
    status === undefined
      ? NETWORK_ERRORS.includes(networkCode) || name === "TimeoutError" || name === "RequestTimeout"
      : status >= 500 || status === 429 || name === "SlowDown";
  if (transient) {
    return new AloftError(Code.Unavailable, `${uri}: ${name || "error"}: ${message}`, options);
  }
  if (status === 400) return AloftError.invalidArgument(`${uri}: ${name}: ${message}`, options);
  if (status === 409 || status === 412) return AloftError.failedPrecondition(`${uri}: ${name}: ${message}`, options);
  return AloftError.internal(`${uri}: ${name}: ${message}`, options);
}
