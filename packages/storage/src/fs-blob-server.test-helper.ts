/**
 * A stand-in for admin's blob route: serves an FsBlobStore's signed URLs over HTTP on 127.0.0.1, port 0,
 * the way admin is meant to (verify, compare the method, stream the body through the store).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AloftError, Code } from "@aloft/idl";
import type { FsBlobStore } from "./index.js";

const STATUS: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.PermissionDenied]: 403,
  [Code.NotFound]: 404,
  [Code.FailedPrecondition]: 409,
};

export async function startFsBlobServer(
  getStore: () => FsBlobStore,
): Promise<{ publicBaseUrl: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handle(getStore(), req, res).catch((error: unknown) => {
      const aloft = AloftError.from(error);
      res.writeHead(STATUS[aloft.code] ?? 500, { "content-type": "text/plain" }).end(aloft.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    publicBaseUrl: `http://127.0.0.1:${port}/blobs`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

async function handle(store: FsBlobStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const grant = store.verifySignedUrl(req.url ?? "");
  if (grant.method !== req.method) throw new AloftError(Code.PermissionDenied, `this URL allows ${grant.method} only`);
  if (grant.method === "GET") {
    const body = await store.getStream(grant.uri);
    res.writeHead(200, { "content-type": "application/octet-stream" });
    body.pipe(res);
    return;
  }
  if (grant.contentMd5 !== undefined && req.headers["content-md5"] !== grant.contentMd5) {
    throw new AloftError(Code.PermissionDenied, "the Content-MD5 header must match the signed one");
  }
  await store.put(grant.uri, req, grant.contentMd5 === undefined ? {} : { contentMd5: grant.contentMd5 });
  res.writeHead(200).end();
}
