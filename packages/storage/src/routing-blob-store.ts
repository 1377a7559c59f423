import type { Readable } from "node:stream";
import { AloftError } from "@aloft/idl";
import type {
  BlobBody,
  BlobHead,
  BlobStore,
  CopyOptions,
  GetOptions,
  ListOptions,
  PutOptions,
  PutResult,
  SignedUrl,
  SignedUrlOptions,
} from "./blob-store.js";
import { joinUri, parseBlobUri } from "./blob-uri.js";

/** Which URIs a store behind a {@link RoutingBlobStore} answers. */
export interface BlobStoreRoute {
  /** URI scheme, e.g. `s3` or `file`. */
  scheme: string;
  /** Only this bucket (authority); leave out to take every bucket of the scheme not routed elsewhere. */
  bucket?: string;
  store: BlobStore;
}

/** Options for {@link RoutingBlobStore}. */
export interface RoutingBlobStoreOptions {
  /** Routes; a bucket-specific route wins over a scheme-wide one, and earlier routes win over later ones. */
  routes: readonly BlobStoreRoute[];
  /** @default the first route's store's `baseUri` */
  baseUri?: string;
}

/**
 * One {@link BlobStore} over several, choosing by each URI's scheme and bucket (e.g. `file://` to the
 * local store, `s3://` to S3). Copies between two stores stream through this process. URIs no route
 * matches are InvalidArgument.
 */
export class RoutingBlobStore implements BlobStore {
  readonly baseUri: string;
  readonly #routes: readonly BlobStoreRoute[];

  constructor(options: RoutingBlobStoreOptions) {
    const first = options.routes[0];
    if (!first) throw AloftError.invalidArgument("a routing blob store needs at least one route");
    this.#routes = options.routes.map((route) => ({ ...route, scheme: route.scheme.toLowerCase() }));
    this.baseUri = options.baseUri ?? first.store.baseUri;
  }

  /** The store that answers `uri`. */
  storeFor(uri: string): BlobStore {
    const { scheme, bucket } = parseBlobUri(uri);
    const route =
      this.#routes.find((r) => r.scheme === scheme && r.bucket === bucket) ??
      this.#routes.find((r) => r.scheme === scheme && r.bucket === undefined);
    if (!route) throw AloftError.invalidArgument(`no blob store is configured for "${uri}"`);
    return route.store;
  }

  join(base: string, ...parts: string[]): string {
    return joinUri(base, ...parts);
  }

  async get(uri: string, options?: GetOptions): Promise<Uint8Array> {
    return this.storeFor(uri).get(uri, options);
  }

  async getStream(uri: string): Promise<Readable> {
    return this.storeFor(uri).getStream(uri);
  }

  async put(uri: string, data: BlobBody, options?: PutOptions): Promise<PutResult> {
    return this.storeFor(uri).put(uri, data, options);
  }

  async head(uri: string): Promise<BlobHead | undefined> {
    return this.storeFor(uri).head(uri);
  }

  async exists(uri: string): Promise<boolean> {
    return this.storeFor(uri).exists(uri);
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<string> {
    yield* this.storeFor(prefix).list(prefix, options);
  }

  async delete(uri: string): Promise<void> {
    return this.storeFor(uri).delete(uri);
  }

  async copy(from: string, to: string, options?: CopyOptions): Promise<void> {
    const source = this.storeFor(from);
    const target = this.storeFor(to);
    if (source === target) return source.copy(from, to, options);
    await target.put(to, await source.getStream(from));
  }

  async signedUrl(uri: string, options: SignedUrlOptions): Promise<SignedUrl> {
    return this.storeFor(uri).signedUrl(uri, options);
  }

  async close(): Promise<void> {
    await Promise.all([...new Set(this.#routes.map((r) => r.store))].map((store) => store.close()));
  }
}
