/**
 * Literal maps in the blob store, as flyteadmin reads and writes them for executions: offloaded inputs
 * and event data (`common.OffloadLiteralMap`) and the inputs/outputs of `Get*Data` (`util/data.go`).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import { type UrlBlob, UrlBlobSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { type LiteralMap, LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type BlobStore, readProto, writeProto } from "@aloft/storage";

/** How `Get*Data` answers: flyteadmin's `remoteData` settings. */
export interface RemoteDataSettings {
  /** Inline data larger than this is left out (0 = no limit). */
  maxSizeInBytes: number;
  signedUrls: {
    /** Fill the deprecated `inputs`/`outputs` UrlBlobs with signed GET URLs. */
    enabled: boolean;
    /** Lifetime of those URLs; 0 = one hour. */
    durationMinutes: number;
  };
}

/**
 * Writes `literals` (an empty map when undefined) to `<base>/metadata/<keys…>` and returns the URI
 * (flyteadmin's `OffloadLiteralMap`).
 * @throws AloftError Internal "Failed to write protobuf for [<keys>] with err: …" when the store fails.
 */
export async function offloadLiteralMap(
  store: BlobStore,
  literals: LiteralMap | undefined,
  ...keys: string[]
): Promise<string> {
  const uri = metadataUri(store, keys);
  await offloaded(keys, writeProto(store, uri, LiteralMapSchema, literals ?? create(LiteralMapSchema)));
  return uri;
}

/** Where {@link offloadExecutionInputs} wrote an execution's inputs. */
export interface OffloadedExecutionInputs {
  inputsUri: string;
  /** Settles when `user_inputs` is written; rejects as {@link offloadLiteralMap} does. */
  userInputsUri: Promise<string>;
}

/**
 * Writes an execution's resolved `inputs` and the `user_inputs` it was asked with, as flyteadmin does, and returns
 * once `inputs` is written. When the two are the same bytes (the request gave every input), `user_inputs` is a copy
 * of `inputs`, which the fs store makes a hard link: one file fewer per execution. That copy can only start once
 * `inputs` is written, so its promise is returned for the caller to await after other work.
 */
export async function offloadExecutionInputs(
  store: BlobStore,
  inputs: LiteralMap,
  userInputs: LiteralMap | undefined,
  ...keys: string[]
): Promise<OffloadedExecutionInputs> {
  const inputsBytes = toBinary(LiteralMapSchema, inputs);
  const userInputsBytes = toBinary(LiteralMapSchema, userInputs ?? create(LiteralMapSchema));
  const inputsKeys = [...keys, "inputs"];
  const userInputsKeys = [...keys, "user_inputs"];
  const inputsUri = metadataUri(store, inputsKeys);
  const userInputsUri = metadataUri(store, userInputsKeys);
  const put = (uri: string, bytes: Uint8Array) => store.put(uri, bytes, { contentType: "application/octet-stream" });
  const inputsWritten = offloaded(inputsKeys, put(inputsUri, inputsBytes));
  const same = Buffer.from(inputsBytes.buffer, inputsBytes.byteOffset, inputsBytes.byteLength).equals(userInputsBytes);
  const userInputsWritten = (
    same
      ? inputsWritten.then(() =>
          offloaded(userInputsKeys, store.copy(inputsUri, userInputsUri, { immutableSource: true })),
        )
      : offloaded(userInputsKeys, put(userInputsUri, userInputsBytes))
  ).then(() => userInputsUri);
  // Awaited by the caller later, or never when something fails first.
  userInputsWritten.catch(() => undefined);
  await inputsWritten;
  return { inputsUri, userInputsUri: userInputsWritten };
}

/** `<base>/metadata/<keys…>`, where flyteadmin offloads literal maps. */
function metadataUri(store: BlobStore, keys: readonly string[]): string {
  return store.join(store.baseUri, "metadata", ...keys);
}

/** `written`, with a store failure as flyteadmin reports it. */
async function offloaded(keys: readonly string[], written: Promise<unknown>): Promise<void> {
  try {
    await written;
  } catch (error) {
    throw AloftError.internal(`Failed to write protobuf for [${keys.join(" ")}] with err: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** What {@link fetchInputs} and {@link fetchOutputs} return. */
export interface FetchedLiterals {
  /** The data inline, or an empty map when it is too large or unreadable. */
  full: LiteralMap;
  /** The deprecated signed-URL blob (empty unless signed URLs are enabled). */
  blob: UrlBlob;
}

/**
 * Inputs stored at `uri` (flyteadmin's `GetInputs`): inline when signed URLs are off, or the blob is smaller
 * than the limit (or there is no limit). A read failure leaves them empty instead of failing the call.
 */
export async function fetchInputs(
  store: BlobStore,
  settings: RemoteDataSettings,
  uri: string,
): Promise<FetchedLiterals> {
  if (uri === "") return { full: create(LiteralMapSchema), blob: create(UrlBlobSchema) };
  const blob = settings.signedUrls.enabled ? await signedBlob(store, settings, uri) : create(UrlBlobSchema);
  const full = shouldFetch(settings, blob) ? await readOrEmpty(store, uri) : create(LiteralMapSchema);
  return { full, blob };
}

/** Where a closure keeps its outputs: a URI, inline data, or neither. */
export interface ClosureOutputs {
  uri: string;
  data: LiteralMap | undefined;
}

/**
 * Outputs of a closure (flyteadmin's `GetOutputs`): inline closure data if smaller than the limit, else the
 * blob at the output URI under the same rules as {@link fetchInputs}.
 */
export async function fetchOutputs(
  store: BlobStore,
  settings: RemoteDataSettings,
  outputs: ClosureOutputs,
): Promise<FetchedLiterals> {
  const blob =
    outputs.uri !== "" && settings.signedUrls.enabled
      ? await signedBlob(store, settings, outputs.uri)
      : create(UrlBlobSchema);
  if (outputs.data !== undefined) {
    const fits = toBinary(LiteralMapSchema, outputs.data).byteLength < settings.maxSizeInBytes;
    return { full: fits ? outputs.data : create(LiteralMapSchema), blob };
  }
  const full =
    outputs.uri !== "" && shouldFetch(settings, blob)
      ? await readOrEmpty(store, outputs.uri)
      : create(LiteralMapSchema);
  return { full, blob };
}

function shouldFetch(settings: RemoteDataSettings, blob: UrlBlob): boolean {
  return settings.maxSizeInBytes === 0 || Number(blob.bytes) < settings.maxSizeInBytes;
}

async function readOrEmpty(store: BlobStore, uri: string): Promise<LiteralMap> {
  try {
    return await readProto(store, uri, LiteralMapSchema);
  } catch {
    // flyteadmin only logs this: the caller can still use the signed URL.
    return create(LiteralMapSchema);
  }
}

async function signedBlob(store: BlobStore, settings: RemoteDataSettings, uri: string): Promise<UrlBlob> {
  try {
    const head = await store.head(uri);
    const minutes = settings.signedUrls.durationMinutes > 0 ? settings.signedUrls.durationMinutes : 60;
    const signed = await store.signedUrl(uri, { method: "GET", expiresInMs: minutes * 60_000 });
    return create(UrlBlobSchema, { url: signed.url, bytes: BigInt(head?.sizeBytes ?? 0) });
  } catch (error) {
    throw AloftError.internal(`failed to get metadata for uri: ${uri} with err: ${messageOf(error)}`, { cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof AloftError ? error.rawMessage : error instanceof Error ? error.message : String(error);
}
