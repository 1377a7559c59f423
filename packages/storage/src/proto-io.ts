/**
 * Protobuf files in a blob store (`inputs.pb`, `outputs.pb`, `error.pb`, …), as Flyte's `ProtobufStore`:
 * the binary wire format, nothing around it.
 */
import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { AloftError, Code } from "@aloft/idl";
import type { BlobStore, PutOptions, PutResult } from "./blob-store.js";

/** Options for {@link readProto} and {@link readProtoIfExists}. */
export interface ReadProtoOptions {
  /** Refuse larger files with ResourceExhausted (Flyte's `maxDownloadMBs`). @default no limit */
  maxSizeBytes?: number;
}

/**
 * Reads and decodes the message at `uri`. NotFound when absent (from the store, unchanged); DataLoss,
 * naming the URI and the message type, when the bytes do not decode.
 */
export async function readProto<Desc extends DescMessage>(
  store: BlobStore,
  uri: string,
  schema: Desc,
  options: ReadProtoOptions = {},
): Promise<MessageShape<Desc>> {
  const bytes = await store.get(uri, options.maxSizeBytes === undefined ? {} : { maxSizeBytes: options.maxSizeBytes });
  try {
    return fromBinary(schema, bytes);
  } catch (cause) {
    throw new AloftError(
      Code.DataLoss,
      `${uri} does not hold a valid ${schema.typeName}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** {@link readProto}, but `undefined` instead of NotFound when nothing is stored at `uri`. */
export async function readProtoIfExists<Desc extends DescMessage>(
  store: BlobStore,
  uri: string,
  schema: Desc,
  options: ReadProtoOptions = {},
): Promise<MessageShape<Desc> | undefined> {
  try {
    return await readProto(store, uri, schema, options);
  } catch (error) {
    if (error instanceof AloftError && error.code === Code.NotFound) return undefined;
    throw error;
  }
}

/** Encodes `message` and writes it to `uri` atomically (content type `application/octet-stream` by default). */
export function writeProto<Desc extends DescMessage>(
  store: BlobStore,
  uri: string,
  schema: Desc,
  message: MessageShape<Desc>,
  options: PutOptions = {},
): Promise<PutResult> {
  return store.put(uri, toBinary(schema, message), { contentType: "application/octet-stream", ...options });
}
