/**
 * The {@link DataProxyManager} (flyteadmin `dataproxy/service.go`): signed upload locations for fast
 * registration and `pyflyte run`, signed download links for decks, and `flyte://` data lookups.
 */
import { randomInt } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { type Duration, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { AloftError } from "@aloft/idl";
import {
  NodeExecutionGetDataRequestSchema,
  NodeExecutionGetRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import {
  TaskExecutionGetDataRequestSchema,
  TaskExecutionListRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { type LiteralMap, LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  ArtifactType,
  type CreateDownloadLinkRequest,
  CreateDownloadLinkRequestSchema,
  type CreateDownloadLinkResponse,
  CreateDownloadLinkResponseSchema,
  CreateDownloadLocationResponseSchema,
  CreateUploadLocationResponseSchema,
  type GetDataResponse,
  GetDataResponseSchema,
  PreSignedURLsSchema,
} from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import type { BlobStore } from "@aloft/storage";
import type { AdminConfig } from "../config/admin-config.js";
import { type NodeExecutionKey, nodeExecutionKeyText, taskExecutionKeyText } from "../repositories/keys.js";
import { nodeExecutionKeyToId, taskExecutionKeyFromId } from "../transformers/identifier-transformer.js";
import { parseFlyteUrl } from "./execution/flyte-url.js";
import { EXECUTION_NAME_ALPHABET } from "./execution-name.js";
import type { DataProxyManager, ManagerContext, NodeExecutionManager, TaskExecutionManager } from "./interfaces.js";

/** What {@link createDataProxyManager} reads. */
export interface DataProxyManagerDeps {
  /** The store uploads land in and downloads are signed for. */
  blobStore: BlobStore;
  /** `server.dataProxy`: expiry limits, random file name length, upload prefix. */
  dataProxy: AdminConfig["server"]["dataProxy"];
  /** Node execution reads (decks and node data). */
  nodeExecutions: Pick<NodeExecutionManager, "getNodeExecution" | "getNodeExecutionData">;
  /** Task execution reads (attempt data). */
  taskExecutions: Pick<TaskExecutionManager, "listTaskExecutions" | "getTaskExecutionData">;
  /** @default Date.now */
  nowMs?: () => number;
}

/** Builds the {@link DataProxyManager}. */
export function createDataProxyManager(deps: DataProxyManagerDeps): DataProxyManager {
  const { blobStore } = deps;
  const nowMs = deps.nowMs ?? Date.now;
  const upload = deps.dataProxy.upload;
  const maxDownloadNanos = BigInt(deps.dataProxy.download.maxExpiresInMs) * 1_000_000n;

  const createDownloadLink = async (
    request: CreateDownloadLinkRequest,
    context: ManagerContext,
  ): Promise<CreateDownloadLinkResponse> => {
    let expiresNanos: bigint;
    try {
      expiresNanos = validateDuration(request.expiresIn, maxDownloadNanos);
      if (request.artifactType === ArtifactType.UNDEFINED) {
        throw new Error(`invalid artifact type [${ArtifactType[request.artifactType]}]`);
      }
      if (request.source.case === undefined) throw new Error("source is required. Provided nil");
    } catch (error) {
      throw AloftError.invalidArgument(`error while validating request. Error: ${messageOf(error)}`);
    }
    const nodeExecutionId = request.source.value;
    if (nodeExecutionId === undefined) throw AloftError.invalidArgument("unsupported source [<nil>]");
    let deckUri = "";
    try {
      const node = await deps.nodeExecutions.getNodeExecution(
        create(NodeExecutionGetRequestSchema, { id: nodeExecutionId }),
        context,
      );
      if (request.artifactType === ArtifactType.DECK) deckUri = node.closure?.deckUri ?? "";
    } catch (error) {
      throw AloftError.invalidArgument(
        `failed to find node execution [${nodeExecutionKeyText(nodeKeyOf(nodeExecutionId))}]. Error: ${messageOf(error)}`,
      );
    }
    if (deckUri === "") throw AloftError.notFound("no deckUrl found for request");
    let exists: boolean;
    try {
      exists = await blobStore.exists(deckUri);
    } catch (error) {
      throw AloftError.internal(`failed to head object before signing url. Error: ${messageOf(error)}`);
    }
    if (!exists) throw AloftError.notFound("object not found");
    const url = await signGet(blobStore, deckUri, expiresNanos);
    const expiresAt = timestampFromMs(nowMs() + Number(expiresNanos / 1_000_000n));
    return create(CreateDownloadLinkResponseSchema, {
      signedUrl: [url],
      expiresAt,
      preSignedUrls: create(PreSignedURLsSchema, { signedUrl: [url], expiresAt }),
    });
  };

  return {
    async createUploadLocation(request) {
      if (request.project === "" || request.domain === "") {
        throw AloftError.invalidArgument("project and domain are required parameters");
      }
      if (request.filenameRoot === "" && request.contentMd5.length === 0) {
        throw AloftError.invalidArgument("content_md5 or filename_root is a required parameter");
      }
      const md5Base64 = Buffer.from(request.contentMd5).toString("base64");
      if (request.filename !== "" && request.filenameRoot !== "") {
        const known = uploadLocation(blobStore, upload.storagePrefix, [
          request.org,
          request.project,
          request.domain,
          request.filenameRoot,
          request.filename,
        ]);
        await refuseExistingUnlessSameContent(blobStore, known, request.contentMd5);
      }
      const maxUploadNanos = BigInt(upload.maxExpiresInMs) * 1_000_000n;
      let expiresNanos = maxUploadNanos;
      if (request.expiresIn !== undefined) {
        if (!isValidDuration(request.expiresIn)) {
          throw AloftError.invalidArgument(`expiresIn [${durationText(request.expiresIn)}] is invalid`);
        }
        expiresNanos = durationNanos(request.expiresIn);
        if (expiresNanos > maxUploadNanos) {
          throw AloftError.invalidArgument(
            `expiresIn [${goDurationString(expiresNanos)}] cannot exceed max allowed expiration [${goDurationString(maxUploadNanos)}]`,
          );
        }
      }
      const filename = request.filename !== "" ? request.filename : randomName(upload.defaultFileNameLength);
      const prefix = request.filenameRoot !== "" ? request.filenameRoot : base32(request.contentMd5);
      const nativeUrl = uploadLocation(blobStore, upload.storagePrefix, [
        request.org,
        request.project,
        request.domain,
        prefix,
        filename,
      ]);
      let signed;
      try {
        signed = await blobStore.signedUrl(nativeUrl, {
          method: "PUT",
          expiresInMs: Number(expiresNanos / 1_000_000n),
          ...(md5Base64 === "" ? {} : { contentMd5: md5Base64 }),
          addContentMd5Metadata: request.addContentMd5Metadata,
        });
      } catch (error) {
        throw AloftError.internal(`failed to create a signed url. Error: ${messageOf(error)}`, { cause: error });
      }
      return create(CreateUploadLocationResponseSchema, {
        signedUrl: signed.url,
        nativeUrl,
        expiresAt: timestampFromMs(nowMs() + Number(expiresNanos / 1_000_000n)),
        headers: signed.headers,
      });
    },

    async createDownloadLocation(request) {
      let expiresNanos: bigint;
      try {
        expiresNanos = validateDuration(request.expiresIn, maxDownloadNanos);
      } catch (error) {
        throw AloftError.invalidArgument(`error while validating request: ${messageOf(error)}`);
      }
      const url = await signGet(blobStore, request.nativeUrl, expiresNanos);
      return create(CreateDownloadLocationResponseSchema, {
        signedUrl: url,
        expiresAt: timestampFromMs(nowMs() + Number(expiresNanos / 1_000_000n)),
      });
    },

    createDownloadLink,

    async getData(request, context) {
      const flyteUrl = request.flyteUrl;
      if (flyteUrl === "" || !flyteUrl.startsWith("flyte://")) {
        const why =
          flyteUrl === ""
            ? "source is required. Provided empty string"
            : "request does not start with the correct prefix";
        throw AloftError.invalidArgument(`failed to validate resolve artifact request. Error: ${why}`);
      }
      const parsed = parseFlyteUrl(flyteUrl);
      if (parsed === undefined) {
        throw AloftError.invalidArgument(`failed to parse artifact url Error: failed to parse [${flyteUrl}]`);
      }
      const nodeExecutionId = nodeExecutionKeyToId(parsed.nodeExecution);
      if (parsed.attempt === undefined) {
        if (parsed.artifact === "d") {
          const link = await createDownloadLink(
            create(CreateDownloadLinkRequestSchema, {
              artifactType: ArtifactType.DECK,
              source: { case: "nodeExecutionId", value: nodeExecutionId },
            }),
            context,
          );
          return create(GetDataResponseSchema, {
            data: { case: "preSignedUrls", value: link.preSignedUrls ?? create(PreSignedURLsSchema) },
          });
        }
        const data = await deps.nodeExecutions.getNodeExecutionData(
          create(NodeExecutionGetDataRequestSchema, { id: nodeExecutionId }),
          context,
        );
        const map = parsed.artifact === "i" ? data.fullInputs : data.fullOutputs;
        return dataResponse(map, parsed.literalName, `node execution [${nodeExecutionKeyText(parsed.nodeExecution)}]`);
      }
      const attempts = await deps.taskExecutions.listTaskExecutions(
        create(TaskExecutionListRequestSchema, {
          nodeExecutionId,
          limit: 1,
          filters: `eq(retry_attempt,${parsed.attempt})`,
        }),
        context,
      );
      const taskExecutionId = attempts.taskExecutions[0]?.id;
      if (taskExecutionId === undefined) {
        throw AloftError.invalidArgument(
          `no task executions were listed [${nodeExecutionKeyText(parsed.nodeExecution)}]. Error: <nil>`,
        );
      }
      if (parsed.artifact === "d") {
        throw AloftError.invalidArgument(
          "deck type cannot be specified with a retry attempt, just use the node instead",
        );
      }
      const data = await deps.taskExecutions.getTaskExecutionData(
        create(TaskExecutionGetDataRequestSchema, { id: taskExecutionId }),
        context,
      );
      const map = parsed.artifact === "i" ? data.fullInputs : data.fullOutputs;
      return dataResponse(
        map,
        parsed.literalName,
        `task execution [${taskExecutionKeyText(taskExecutionKeyFromId(taskExecutionId))}]`,
      );
    },
  };
}

/**
 * ALREADY_EXISTS when an object is already at `uri`, unless the caller's MD5 matches the stored one (base64
 * `flyteContentMD5` metadata, or for old objects the ETag in hex, base32 or base64 form). Re-uploading
 * identical code bundles must keep working (flyte#4971).
 */
async function refuseExistingUnlessSameContent(store: BlobStore, uri: string, md5: Uint8Array): Promise<void> {
  let head;
  try {
    head = await store.head(uri);
  } catch (error) {
    throw AloftError.internal(`failed to check if file exists at location [${uri}], Error: ${messageOf(error)}`);
  }
  if (head === undefined) return;
  const refuse = (): never => {
    throw AloftError.alreadyExists(
      `file already exists at location [${uri}], specify a matching hash if you wish to rewrite`,
    );
  };
  if (md5.length === 0) refuse();
  const digest = Buffer.from(md5);
  const base64Digest = digest.toString("base64");
  if (head.contentMd5 === undefined || head.contentMd5 === "") {
    const etag = head.etag ?? "";
    if (etag !== digest.toString("hex") && etag !== base32(md5) && etag !== base64Digest) refuse();
  } else if (head.contentMd5 !== base64Digest) {
    refuse();
  }
}

/** `<base>/<storagePrefix>/<org>/<project>/<domain>/<root>/<filename>` with empty parts left out. */
function uploadLocation(store: BlobStore, storagePrefix: string, parts: readonly string[]): string {
  return store.join(store.baseUri, ...[storagePrefix, ...parts].filter((part) => part !== ""));
}

async function signGet(store: BlobStore, uri: string, expiresNanos: bigint): Promise<string> {
  try {
    const signed = await store.signedUrl(uri, {
      method: "GET",
      expiresInMs: Math.max(1, Number(expiresNanos / 1_000_000n)),
    });
    return signed.url;
  } catch (error) {
    throw AloftError.internal(`failed to create a signed url. Error: ${messageOf(error)}`, { cause: error });
  }
}

function dataResponse(map: LiteralMap | undefined, name: string, where: string): GetDataResponse {
  if (name === "") {
    return create(GetDataResponseSchema, { data: { case: "literalMap", value: map ?? create(LiteralMapSchema) } });
  }
  const literal = map?.literals[name];
  if (literal === undefined) throw AloftError.invalidArgument(`name [${name}] not found in ${where}`);
  return create(GetDataResponseSchema, { data: { case: "literal", value: literal } });
}

function nodeKeyOf(id: {
  executionId?: { project: string; domain: string; name: string } | undefined;
  nodeId: string;
}): NodeExecutionKey {
  return {
    executionId: {
      project: id.executionId?.project ?? "",
      domain: id.executionId?.domain ?? "",
      name: id.executionId?.name ?? "",
    },
    nodeId: id.nodeId,
  };
}

/** flyteadmin's `validateDuration`: unset means the maximum. Returns nanoseconds. */
function validateDuration(input: Duration | undefined, maxNanos: bigint): bigint {
  if (input === undefined) return maxNanos;
  if (!isValidDuration(input))
    throw new Error(`expiresIn is invalid. Error: input duration [${durationText(input)}] is invalid`);
  const nanos = durationNanos(input);
  if (nanos < 0n) {
    throw new Error(`expiresIn is invalid. Error: input duration [${goDurationString(nanos)}] should not less than 0`);
  }
  if (nanos > maxNanos) {
    throw new Error(
      `expiresIn is invalid. Error: input duration [${goDurationString(nanos)}] cannot exceed max allowed expiration [${goDurationString(maxNanos)}]`,
    );
  }
  return nanos;
}

const MAX_DURATION_SECONDS = 315_576_000_000n;

/** protobuf's `Duration.IsValid`: seconds within ±10,000 years, nanos below a second with the same sign. */
function isValidDuration(duration: Duration): boolean {
  const { seconds, nanos } = duration;
  if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) return false;
  if (nanos <= -1e9 || nanos >= 1e9) return false;
  return !((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0));
}

function durationNanos(duration: Duration): bigint {
  return duration.seconds * 1_000_000_000n + BigInt(duration.nanos);
}

/** Go's `%v` of a `*durationpb.Duration` (compact prototext). */
function durationText(duration: Duration): string {
  return [
    duration.seconds === 0n ? "" : `seconds:${duration.seconds}`,
    duration.nanos === 0 ? "" : `nanos:${duration.nanos}`,
  ]
    .filter((part) => part !== "")
    .join(" ");
}

/** Go's `time.Duration.String()`: `1h0m0s`, `1.5s`, `300ms`, `0s`. */
function goDurationString(nanos: bigint): string {
  if (nanos === 0n) return "0s";
  const sign = nanos < 0n ? "-" : "";
  const n = nanos < 0n ? -nanos : nanos;
  if (n < 1_000n) return `${sign}${n}ns`;
  if (n < 1_000_000n) return `${sign}${fraction(n, 1_000n)}µs`;
  if (n < 1_000_000_000n) return `${sign}${fraction(n, 1_000_000n)}ms`;
  const hours = n / 3_600_000_000_000n;
  const minutes = (n / 60_000_000_000n) % 60n;
  const seconds = fraction(n % 60_000_000_000n, 1_000_000_000n);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function fraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return `${whole}`;
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, "0").replace(/0+$/, "")}`;
}

/** Go's `base32.StdEncoding` (RFC 4648, padded): flyteadmin's prefix for content-addressed uploads. */
function base32(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
      value &= (1 << bits) - 1;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

/** A random file name as Kubernetes' `rand.String` (flyteadmin's default upload name). */
function randomName(length: number): string {
  let name = "";
  for (let i = 0; i < length; i++) name += EXECUTION_NAME_ALPHABET[randomInt(EXECUTION_NAME_ALPHABET.length)];
  return name;
}

function messageOf(error: unknown): string {
  return error instanceof AloftError ? error.rawMessage : error instanceof Error ? error.message : String(error);
}
