import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { AloftError, Code, integerLiteral, stringLiteral } from "@aloft/idl";
import { DataCatalog } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { createClient, ConnectError, Code as ConnectCode } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CatalogTestContext, openCatalogTestContext } from "../catalog-test-context.test-helper.js";
import { type CatalogClient, catalogRoutes, createRemoteCatalogClient, type RemoteCatalogClient } from "../index.js";

const dataset = { project: "flytesnacks", domain: "development", name: "flyte_task-wf.t1", version: "1-a-b" };

describe("DataCatalog over gRPC", () => {
  let context: CatalogTestContext;
  let server: http2.Http2Server;
  let url: string;
  let remote: RemoteCatalogClient;

  /** Starts a server on a free port for `service`. */
  async function serve(service: CatalogClient): Promise<{ server: http2.Http2Server; url: string }> {
    const started = http2.createServer(connectNodeAdapter({ routes: catalogRoutes(service) }));
    await new Promise<void>((resolve) => started.listen(0, "127.0.0.1", resolve));
    return { server: started, url: `http://127.0.0.1:${(started.address() as AddressInfo).port}` };
  }

  function stop(stopped: http2.Http2Server): Promise<void> {
    return new Promise((resolve) => stopped.close(() => resolve()));
  }

  beforeAll(async () => {
    context = await openCatalogTestContext("sqlite");
    ({ server, url } = await serve(context.catalog));
    remote = createRemoteCatalogClient(url);
  });

  beforeEach(() => context.reset());

  afterAll(async () => {
    remote.close();
    await stop(server);
    await context.close();
  });

  it("serves every step of caching a result to a remote client", async () => {
    await remote.createDataset({ dataset: { id: dataset, metadata: { keyMap: { "task-version": "v1" } } } });
    await remote.createArtifact({
      artifact: {
        id: "a1",
        dataset,
        data: [
          { name: "o0", value: stringLiteral("hello") },
          { name: "o1", value: integerLiteral(42) },
        ],
      },
    });
    await remote.addTag({ tag: { name: "flyte_cached-x", artifactId: "a1", dataset } });
    const { artifact } = await remote.getArtifact({
      dataset,
      queryHandle: { case: "tagName", value: "flyte_cached-x" },
    });
    expect(artifact?.data.map((d) => [d.name, d.value])).toEqual([
      ["o0", stringLiteral("hello")],
      ["o1", integerLiteral(42)],
    ]);
    expect((await remote.getDataset({ dataset })).dataset?.metadata?.keyMap).toEqual({ "task-version": "v1" });
    expect((await remote.listArtifacts({ dataset })).artifacts.map((a) => a.id)).toEqual(["a1"]);
    expect((await remote.listDatasets({})).datasets).toHaveLength(1);
    const { artifactId } = await remote.updateArtifact({
      dataset,
      queryHandle: { case: "artifactId", value: "a1" },
      data: [{ name: "o0", value: stringLiteral("bye") }],
    });
    expect(artifactId).toBe("a1");
  });

  it("carries the service's error codes and messages to the client as AloftErrors", async () => {
    const missing = remote.getDataset({ dataset });
    await expect(missing).rejects.toBeInstanceOf(AloftError);
    await expect(missing).rejects.toThrow(
      expect.objectContaining({
        code: Code.NotFound,
        rawMessage:
          'missing entity of type Dataset with identifier project:"flytesnacks" name:"flyte_task-wf.t1" domain:"development" version:"1-a-b"',
      }),
    );
    await remote.createDataset({ dataset: { id: dataset } });
    await expect(remote.createDataset({ dataset: { id: dataset } })).rejects.toThrow(
      expect.objectContaining({ code: Code.AlreadyExists }),
    );
    await expect(remote.createArtifact({ artifact: { id: "a", dataset } })).rejects.toThrow(
      expect.objectContaining({ code: Code.InvalidArgument, rawMessage: "missing artifactData" }),
    );
  });

  it("serializes reservations across clients", async () => {
    const other = createRemoteCatalogClient(url);
    try {
      const reservationId = { datasetId: dataset, tagName: "flyte_cached-x" };
      const heartbeatInterval = durationFromMs(10_000);
      const [a, b] = await Promise.all([
        remote.getOrExtendReservation({ reservationId, ownerId: "a", heartbeatInterval }),
        other.getOrExtendReservation({ reservationId, ownerId: "b", heartbeatInterval }),
      ]);
      expect(a.reservation?.ownerId).toBe(b.reservation?.ownerId);
      const holder = a.reservation?.ownerId ?? "";
      await (holder === "a" ? remote : other).releaseReservation({ reservationId, ownerId: holder });
      const next = holder === "a" ? "b" : "a";
      const taken = await (next === "a" ? remote : other).getOrExtendReservation({ reservationId, ownerId: next });
      expect(taken.reservation?.ownerId).toBe(next);
    } finally {
      other.close();
    }
  });

  it("serves the Connect protocol too", async () => {
    const sessionManager = new Http2SessionManager(url);
    const client = createClient(
      DataCatalog,
      createConnectTransport({ baseUrl: url, httpVersion: "2", sessionManager }),
    );
    try {
      await client.createDataset({ dataset: { id: dataset } });
      const error: unknown = await client
        .getArtifact({ dataset, queryHandle: { case: "tagName", value: "t" } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(ConnectCode.NotFound);
    } finally {
      sessionManager.abort();
    }
  });

  it("hides unexpected failures behind INTERNAL", async () => {
    const broken = new Proxy(context.catalog, {
      get: () => () => Promise.reject(new TypeError("secret detail")),
    });
    const started = await serve(broken);
    const client = createRemoteCatalogClient(started.url);
    try {
      await expect(client.listDatasets({})).rejects.toThrow(
        expect.objectContaining({ code: Code.Internal, rawMessage: "internal error" }),
      );
    } finally {
      client.close();
      await stop(started.server);
    }
  });
});
