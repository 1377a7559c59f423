/**
 * `@aloft/storage`: blob stores (a local directory or S3) behind one {@link BlobStore} interface, signed
 * URLs, protobuf files, and Flyte 1's data layout — Flyte's `flytestdlib/storage` plus the path rules
 * scattered through propeller, the plugins and datacatalog.
 *
 * ```ts
 * import { createBlobStore, inputsPath, metadataRoot, nodeDataDir, readProto, workflowDataDir, writeProto } from "@aloft/storage";
 * import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
 *
 * const store = await createBlobStore({ kind: "fs", root: "/var/lib/aloft/blobs" });
 * const wfDir = workflowDataDir({
 *   metadataRoot: metadataRoot({ baseUri: store.baseUri }),
 *   executionId: { project: "flytesnacks", domain: "development", name: "a1b2c3" },
 * });
 * const inputs = inputsPath(nodeDataDir({ workflowDataDir: wfDir, nodeId: "n0" }));
 * await writeProto(store, inputs, LiteralMapSchema, literalMap);
 * const again = await readProto(store, inputs, LiteralMapSchema);
 * ```
 *
 * Errors are `AloftError`s: NotFound for absent objects, InvalidArgument for URIs a store cannot
 * address and MD5 mismatches, DataLoss for undecodable protobuf files, PermissionDenied for bad or
 * expired signed URLs.
 */
export type {
  BlobBody,
  BlobHead,
  BlobStore,
  CopyOptions,
  GetOptions,
  ListOptions,
  PutOptions,
  PutResult,
  SignedUrl,
  SignedUrlMethod,
  SignedUrlOptions,
} from "./blob-store.js";
export { escapePath, fileUri, formatBlobUri, joinUri, parseBlobUri } from "./blob-uri.js";
export type { ParsedBlobUri } from "./blob-uri.js";
export { md5Base64 } from "./content-md5.js";
export { FsBlobStore } from "./fs-blob-store.js";
export type { FsBlobStoreOptions } from "./fs-blob-store.js";
export { createHmacSignedUrl, verifySignedUrl } from "./hmac-signed-url.js";
export type { HmacSigningOptions, VerifiedSignedUrl, VerifySignedUrlOptions } from "./hmac-signed-url.js";
// `S3BlobStore` itself is `@aloft/storage/s3` (or built by `createBlobStore`), so the AWS SDK loads only when used.
export type { S3BlobStoreOptions, S3Credentials } from "./s3-blob-store.js";
export { RoutingBlobStore } from "./routing-blob-store.js";
export type { BlobStoreRoute, RoutingBlobStoreOptions } from "./routing-blob-store.js";
export { createBlobStore } from "./create-blob-store.js";
export type { BlobStoreConfig, FsBlobStoreConfig, S3BlobStoreConfig } from "./create-blob-store.js";
export { readProto, readProtoIfExists, writeProto } from "./proto-io.js";
export type { ReadProtoOptions } from "./proto-io.js";
export {
  arraySubNodeDirs,
  arraySubNodeId,
  catalogArtifactDataPath,
  catalogStorageRoot,
  CHECKPOINT_DIR,
  checkpointPrefix,
  deckPath,
  DEFAULT_CATALOG_STORAGE_PREFIX,
  DEFAULT_METADATA_PREFIX,
  dynamicCompiledPath,
  END_NODE_ID,
  endNodeOutputsPath,
  errorPath,
  futuresCompiledPath,
  futuresPath,
  GENERATED_NAME_MAX_LENGTH,
  generatedName,
  inputsPath,
  LayoutFile,
  metadataRoot,
  nestedNodeDataDir,
  nodeDataDir,
  nodeOutputDir,
  offloadedOutputPath,
  outputsPath,
  previousCheckpointPrefix,
  rawOutputPrefix,
  START_NODE_ID,
  startNodeOutputsPath,
  taskTemplatePath,
  UNIQUE_NODE_ID_MAX_LENGTH,
  uniqueNodeId,
  workflowDataDir,
} from "./data-layout.js";
export type { ExecutionIdParts, ParentNode } from "./data-layout.js";
