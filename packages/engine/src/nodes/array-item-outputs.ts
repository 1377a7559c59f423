/**
 * Outputs of array items written by this engine, remembered until the array node gathers them, so
 * gathering 10,000 items does not read back 10,000 files it has just written. Only what went through the
 * item's own blob store view is remembered (in-process plugins, cache hits); outputs a task wrote from
 * elsewhere (a container) are read from the blob store as usual. Bounded: the oldest array nodes are
 * forgotten first (their items then run again, see {@link ItemBlobStore}).
 */
import { Readable } from "node:stream";
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
} from "@aloft/storage";
import { md5Base64 } from "@aloft/storage";

/** Items remembered across all array nodes before the oldest node's are dropped. */
const DEFAULT_CAPACITY = 200_000;

/** Item outputs by array node (its `outputs.pb` URI), then by item `outputs.pb` URI. */
export class ArrayItemOutputsMemo {
  readonly #byArray = new Map<string, Map<string, Uint8Array>>();
  #items = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  record(arrayKey: string, itemOutputsUri: string, bytes: Uint8Array): void {
    let items = this.#byArray.get(arrayKey);
    if (items === undefined) this.#byArray.set(arrayKey, (items = new Map()));
    if (!items.has(itemOutputsUri)) this.#items++;
    items.set(itemOutputsUri, bytes);
    while (this.#items > this.capacity && this.#byArray.size > 0) {
      const [oldest, dropped] = this.#byArray.entries().next().value!;
      this.#byArray.delete(oldest);
      this.#items -= dropped.size;
    }
  }

  /** What was remembered for `itemOutputsUri`, if anything. */
  get(arrayKey: string, itemOutputsUri: string): Uint8Array | undefined {
    return this.#byArray.get(arrayKey)?.get(itemOutputsUri);
  }

  /** Forgets an array node's items (gathered, failed or aborted). */
  forget(arrayKey: string): void {
    const items = this.#byArray.get(arrayKey);
    if (items === undefined) return;
    this.#byArray.delete(arrayKey);
    this.#items -= items.size;
  }

  get size(): number {
    return this.#items;
  }
}

/**
 * The blob store as one item sees it. The item's `outputs.pb`, when written from memory (an in-process
 * plugin, a cache hit), is only remembered: nothing outside the engine reads an array item's outputs
 * (array events carry no item output URIs), and the array node gathers them into its own `outputs.pb`, the
 * one write Flyte's layout needs. That saves a directory pair and a file per item. Outputs lost before the
 * gather (an engine restart, the memo's bound) make the gather run those items again. Everything else goes
 * to the store.
 */
export class ItemBlobStore implements BlobStore {
  #outputs: Uint8Array | undefined;

  constructor(
    private readonly store: BlobStore,
    private readonly outputsUri: string,
    private readonly onOutputs: (bytes: Uint8Array) => void,
    /** Remember the item's outputs without writing them; otherwise write them and remember them too. */
    private readonly keepInMemory = true,
  ) {}

  get baseUri(): string {
    return this.store.baseUri;
  }

  async put(uri: string, data: BlobBody, options?: PutOptions): Promise<PutResult> {
    if (uri !== this.outputsUri || !(data instanceof Uint8Array)) return this.store.put(uri, data, options);
    const result = this.keepInMemory
      ? { sizeBytes: data.byteLength, contentMd5: md5Base64(data) }
      : await this.store.put(uri, data, options);
    if (options?.contentMd5 !== undefined && options.contentMd5 !== result.contentMd5) {
      return this.store.put(uri, data, options); // the store reports the mismatch
    }
    this.#outputs = data;
    this.onOutputs(data);
    return result;
  }

  exists(uri: string): Promise<boolean> {
    if (uri === this.outputsUri && this.#outputs !== undefined) return Promise.resolve(true);
    return this.store.exists(uri);
  }

  get(uri: string, options?: GetOptions): Promise<Uint8Array> {
    if (uri === this.outputsUri && this.#outputs !== undefined) return Promise.resolve(this.#outputs);
    return this.store.get(uri, options);
  }

  getStream(uri: string): Promise<Readable> {
    if (uri === this.outputsUri && this.#outputs !== undefined) return Promise.resolve(Readable.from([this.#outputs]));
    return this.store.getStream(uri);
  }

  head(uri: string): Promise<BlobHead | undefined> {
    const bytes = uri === this.outputsUri ? this.#outputs : undefined;
    if (bytes !== undefined) {
      const contentMd5 = md5Base64(bytes);
      const etag = Buffer.from(contentMd5, "base64").toString("hex");
      return Promise.resolve({ sizeBytes: bytes.byteLength, etag, contentMd5, lastModified: new Date() });
    }
    return this.store.head(uri);
  }

  list(prefix: string, options?: ListOptions): AsyncIterable<string> {
    return this.store.list(prefix, options);
  }

  delete(uri: string): Promise<void> {
    if (uri === this.outputsUri) this.#outputs = undefined;
    return this.store.delete(uri);
  }

  copy(from: string, to: string, options?: CopyOptions): Promise<void> {
    return this.store.copy(from, to, options);
  }

  signedUrl(uri: string, options: SignedUrlOptions): Promise<SignedUrl> {
    return this.store.signedUrl(uri, options);
  }

  join(base: string, ...parts: string[]): string {
    return this.store.join(base, ...parts);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
