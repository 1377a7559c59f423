import type { Readable } from "node:stream";

/** What {@link BlobStore.put} accepts: bytes, a UTF-8 string, or a Node stream (never buffered whole). */
export type BlobBody = Uint8Array | string | Readable;

/** Options for {@link BlobStore.put}. */
export interface PutOptions {
  /** MIME type stored with the object where the store keeps one (S3); the fs store ignores it. */
  contentType?: string;
  /**
   * Base64 MD5 of the body (the HTTP `Content-MD5` form). When given, the store verifies it and, on a
   * mismatch, throws InvalidArgument and leaves the destination untouched.
   */
  contentMd5?: string;
}

/** What {@link BlobStore.put} reports about the object it wrote. */
export interface PutResult {
  sizeBytes: number;
  /** Base64 MD5 of what was written. */
  contentMd5: string;
}

/** Options for {@link BlobStore.copy}. */
export interface CopyOptions {
  /**
   * Nothing rewrites `from` in place: it was written through a blob store, which replaces an object by renaming a
   * new file over it, never by changing the old one (a task writing its outputs file directly may). The fs store
   * then makes the copy a hard link, one directory entry instead of a new file.
   */
  immutableSource?: boolean;
}

/** Options for {@link BlobStore.get}. */
export interface GetOptions {
  /**
   * Refuse (ResourceExhausted) objects larger than this, before downloading them; Flyte's
   * `storage.limits.maxDownloadMBs`.
   */
  maxSizeBytes?: number;
}

/** Object metadata, as Flyte's `storage.Metadata`. */
export interface BlobHead {
  sizeBytes: number;
  /** S3: the ETag without quotes (hex MD5 for single-part uploads). fs: the hex MD5 of the content. */
  etag?: string;
  /**
   * Base64 MD5 of the content. S3: the `flytecontentmd5` metadata Flyte's data proxy reads, present when
   * the digest was known before the upload began. fs: always (computed on `head`).
   */
  contentMd5?: string;
  /** S3 only. */
  contentType?: string;
  lastModified: Date;
}

/** Options for {@link BlobStore.list}. */
export interface ListOptions {
  /**
   * `true` (the default, as Flyte's `List`): every object whose URI starts with the prefix.
   * `false`: only objects directly under it, plus one URI ending in `/` per deeper "directory"
   * (S3's `Delimiter: "/"` common prefixes).
   * @default true
   */
  recursive?: boolean;
}

/** HTTP method a signed URL allows. */
export type SignedUrlMethod = "GET" | "PUT";

/** Options for {@link BlobStore.signedUrl}. */
export interface SignedUrlOptions {
  method: SignedUrlMethod;
  /** Lifetime of the URL in milliseconds (S3 allows at most 7 days). */
  expiresInMs: number;
  /** PUT only: base64 MD5 the upload must match; it becomes part of the signature. */
  contentMd5?: string;
  /**
   * PUT only: also store the MD5 as `flytecontentmd5` object metadata (Flyte's
   * `AddContentMD5Metadata`), so {@link BlobStore.head} reports it.
   * @default false
   */
  addContentMd5Metadata?: boolean;
}

/** A signed URL, as Flyte's `SignedURLResponse`. */
export interface SignedUrl {
  url: string;
  expiresAt: Date;
  /** Headers the client must send with the request (Flyte's `RequiredRequestHeaders`), e.g. `Content-MD5`. */
  headers: Record<string, string>;
}

/**
 * A blob store addressed by URI strings (`file:///abs/path`, `s3://bucket/key`): Flyte's `RawStore` and
 * `ReferenceConstructor` in one. Errors are `AloftError`s: NotFound for absent objects, InvalidArgument
 * for URIs the store cannot address or bodies that fail their MD5, Unavailable for transient backend
 * failures.
 *
 * Writes are atomic: a reader sees the old object or the whole new one, never part of it.
 */
export interface BlobStore {
  /** The store's base container, Flyte's `GetBaseContainerFQN` (e.g. `s3://my-bucket`). */
  readonly baseUri: string;
  /** The whole object. NotFound when absent. */
  get(uri: string, options?: GetOptions): Promise<Uint8Array>;
  /** The object as a stream, for data too large to buffer. NotFound (when the promise settles) if absent. */
  getStream(uri: string): Promise<Readable>;
  /** Writes (or replaces) the object. */
  put(uri: string, data: BlobBody, options?: PutOptions): Promise<PutResult>;
  /** Metadata, or `undefined` when the object is absent. */
  head(uri: string): Promise<BlobHead | undefined>;
  /** Whether the object exists; cheaper than {@link BlobStore.head}. */
  exists(uri: string): Promise<boolean>;
  /** URIs of the objects under `prefix` (a string prefix, as S3's), in key order, paginated under the hood. */
  list(prefix: string, options?: ListOptions): AsyncIterable<string>;
  /** Removes the object; does nothing when it is already absent. */
  delete(uri: string): Promise<void>;
  /** Copies an object. NotFound when `from` is absent. */
  copy(from: string, to: string, options?: CopyOptions): Promise<void>;
  /** A URL that lets a client without credentials GET or PUT this one object until it expires. */
  signedUrl(uri: string, options: SignedUrlOptions): Promise<SignedUrl>;
  /** Flyte's `ConstructReference`; see {@link joinUri}. */
  join(base: string, ...parts: string[]): string;
  /** Releases connections and other resources. */
  close(): Promise<void>;
}
