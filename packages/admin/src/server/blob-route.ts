/**
 * `GET|PUT /blobs/<key>?X-Aloft-…`: serves the signed URLs an `FsBlobStore` hands out (data proxy uploads,
 * signed download links), playing the part S3 plays for flyteadmin's presigned URLs. Each request must carry a
 * valid, unexpired signature for exactly its method; a PUT must send the signed `Content-MD5` and a body that
 * matches it. Bodies stream through the store in both directions.
 */
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { AloftError, Code } from "@aloft/idl";
import type { FsBlobStore } from "@aloft/storage";
import { toConnectError } from "./interceptors.js";
import type { NodeRequest, NodeResponse } from "./node-types.js";
import { JSON_PROTO_NAMES_MARSHALER } from "./rest-gateway/marshalers.js";
import { sendRestError } from "./rest-gateway/rest-response.js";

/** Options of {@link createBlobRoute}. */
export interface BlobRouteOptions {
  /** The store whose signed URLs are served (its signing `publicBaseUrl` must point at this route). */
  store: FsBlobStore;
}

/** Serves one blob request; errors are `{code, message, details}` JSON with 400/403/404/405. */
export type BlobRoute = (req: NodeRequest, res: NodeResponse) => Promise<void>;

/** Builds the route. */
export function createBlobRoute(options: BlobRouteOptions): BlobRoute {
  const { store } = options;
  return async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "PUT") {
        res.writeHead(405, { allow: "GET, PUT", "content-length": "0" });
        res.end();
        return;
      }
      const grant = store.verifySignedUrl(req.url ?? "");
      if (grant.method !== req.method) {
        throw new AloftError(Code.PermissionDenied, `this signed URL allows ${grant.method} only`);
      }
      if (grant.method === "GET") {
        const body = await store.getStream(grant.uri);
        res.writeHead(200, { "content-type": "application/octet-stream" });
        await pipeline(body, res as unknown as NodeJS.WritableStream);
        return;
      }
      if (grant.contentMd5 !== undefined && header(req, "content-md5") !== grant.contentMd5) {
        throw new AloftError(
          Code.PermissionDenied,
          "the Content-MD5 header must equal the one the URL was signed with",
        );
      }
      await store.put(
        grant.uri,
        req as unknown as Readable,
        grant.contentMd5 === undefined ? {} : { contentMd5: grant.contentMd5 },
      );
      res.writeHead(200, { "content-length": "0" });
      res.end();
    } catch (thrown) {
      if (res.headersSent) {
        // Mid-stream failure: the status is gone, so cut the response for the client to notice.
        res.destroy();
        return;
      }
      sendRestError(res, JSON_PROTO_NAMES_MARSHALER, toConnectError(thrown, { requestId: "" }));
    }
  };
}

function header(req: NodeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
