import { createHash } from "node:crypto";
import { Code, literalMap, stringLiteral } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import {
  ArtifactType,
  CreateDownloadLinkRequestSchema,
  CreateDownloadLocationRequestSchema,
  CreateUploadLocationRequestSchema,
  GetDataRequestSchema,
} from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import { startTestServer } from "../server/fake-managers.test-helper.js";
import {
  createExecutionHarness,
  executionRequest,
  failure,
  nodeEvent,
  NodeExecution_Phase,
  seedLaunchPlan,
  taskEvent,
  TaskExecution_Phase,
  testContext as ctx,
  useSigningBlobStore,
} from "./execution/execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const md5 = (body: string) => new Uint8Array(createHash("md5").update(body).digest());
const nodeExecutionId = { executionId: { project: "admintests", domain: "development", name: "exec1" }, nodeId: "n0" };

/** The signed URL with the test server's origin (the store signs for a placeholder host). */
function onServer(signedUrl: string, serverUrl: string): string {
  const url = new URL(signedUrl);
  const server = new URL(serverUrl);
  url.protocol = server.protocol;
  url.host = server.host;
  return url.toString();
}

describeEachDialect("DataProxyManager", (db) => {
  const harness = () => createExecutionHarness(db(), blobStore());

  describe("CreateUploadLocation", () => {
    it("signs a PUT that the server's /blobs route accepts with the Content-MD5 pyflyte sends, readable by native URL", async () => {
      const h = harness();
      const body = "print('hello from a fast-registered bundle')";
      const response = await h.dataProxy.createUploadLocation(
        create(CreateUploadLocationRequestSchema, {
          project: "admintests",
          domain: "development",
          filenameRoot: "fast1234",
          filename: "script.tar.gz",
          contentMd5: md5(body),
        }),
        ctx,
      );
      expect(response.nativeUrl).toBe("s3://bucket/admintests/development/fast1234/script.tar.gz");
      const contentMd5 = Buffer.from(md5(body)).toString("base64");
      expect(response.headers).toEqual({ "Content-MD5": contentMd5 });
      expect(Number(response.expiresAt?.seconds) * 1000).toBeGreaterThan(Date.now());

      const server = await startTestServer({ managers: { dataProxy: h.dataProxy }, blobStore: blobStore() });
      try {
        const put = await fetch(onServer(response.signedUrl, server.url), {
          method: "PUT",
          body,
          headers: response.headers,
        });
        expect(put.status).toBe(200);
        const stored = await blobStore().get(response.nativeUrl);
        expect(Buffer.from(stored).toString("utf8")).toBe(body);
        const tampered = await fetch(onServer(response.signedUrl, server.url), {
          method: "PUT",
          body: "something else",
          headers: response.headers,
        });
        expect(tampered.status).toBe(400);
      } finally {
        await server.close();
      }
    });

    it("names content-addressed uploads by the base32 MD5 and a random file name", async () => {
      const h = harness();
      const response = await h.dataProxy.createUploadLocation(
        create(CreateUploadLocationRequestSchema, {
          project: "admintests",
          domain: "development",
          contentMd5: md5("x"),
        }),
        ctx,
      );
      expect(response.nativeUrl).toMatch(
        /^s3:\/\/bucket\/admintests\/development\/[A-Z2-7]{26}======\/[bcdfghjklmnpqrstvwxz2456789]{20}$/,
      );
    });

    it("refuses to overwrite a named upload unless the MD5 matches what is stored", async () => {
      const h = harness();
      const body = "v1";
      await blobStore().put("s3://bucket/admintests/development/root/file.txt", body);
      const request = (contentMd5: Uint8Array) =>
        create(CreateUploadLocationRequestSchema, {
          project: "admintests",
          domain: "development",
          filenameRoot: "root",
          filename: "file.txt",
          contentMd5,
        });
      await h.dataProxy.createUploadLocation(request(md5(body)), ctx);
      for (const contentMd5 of [md5("v2"), new Uint8Array()]) {
        const error = await failure(() => h.dataProxy.createUploadLocation(request(contentMd5), ctx));
        expect([error.code, error.rawMessage]).toEqual([
          Code.AlreadyExists,
          "file already exists at location [s3://bucket/admintests/development/root/file.txt], specify a matching hash if you wish to rewrite",
        ]);
      }
    });

    it("checks the request as flyteadmin does", async () => {
      const h = harness();
      const noProject = await failure(() =>
        h.dataProxy.createUploadLocation(
          create(CreateUploadLocationRequestSchema, { domain: "d", filenameRoot: "r" }),
          ctx,
        ),
      );
      expect([noProject.code, noProject.rawMessage]).toEqual([
        Code.InvalidArgument,
        "project and domain are required parameters",
      ]);
      const noKey = await failure(() =>
        h.dataProxy.createUploadLocation(create(CreateUploadLocationRequestSchema, { project: "p", domain: "d" }), ctx),
      );
      expect(noKey.rawMessage).toBe("content_md5 or filename_root is a required parameter");
      const tooLong = await failure(() =>
        h.dataProxy.createUploadLocation(
          create(CreateUploadLocationRequestSchema, {
            project: "p",
            domain: "d",
            filenameRoot: "r",
            expiresIn: durationFromMs(2 * 3_600_000),
          }),
          ctx,
        ),
      );
      expect(tooLong.rawMessage).toBe("expiresIn [2h0m0s] cannot exceed max allowed expiration [1h0m0s]");
    });
  });

  describe("downloads and flyte:// data", () => {
    async function nodeWithData() {
      const h = harness();
      await seedLaunchPlan(h);
      await h.executions.createExecution(executionRequest(), ctx);
      await blobStore().put("s3://bucket/decks/deck.html", "<html>deck</html>");
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(NodeExecution_Phase.RUNNING, {
          inputValue: { case: "inputData", value: literalMap({ a: stringLiteral("in") }) },
        }),
        ctx,
      );
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(NodeExecution_Phase.SUCCEEDED, {
          outputResult: { case: "outputData", value: literalMap({ b: stringLiteral("out") }) },
          deckUri: "s3://bucket/decks/deck.html",
        }),
        ctx,
      );
      await h.taskExecutions.createTaskEvent(
        taskEvent(TaskExecution_Phase.SUCCEEDED, {
          inputValue: {
            case: "inputUri",
            value: "s3://bucket/metadata/admintests/development/exec1/n0/offloaded_inputs",
          },
        }),
        ctx,
      );
      return h;
    }

    it("signs a deck download link the server serves", async () => {
      const h = await nodeWithData();
      const link = await h.dataProxy.createDownloadLink(
        create(CreateDownloadLinkRequestSchema, {
          artifactType: ArtifactType.DECK,
          source: { case: "nodeExecutionId", value: nodeExecutionId },
        }),
        ctx,
      );
      expect(link.signedUrl).toHaveLength(1);
      expect(link.preSignedUrls?.signedUrl).toEqual(link.signedUrl);
      const server = await startTestServer({ managers: { dataProxy: h.dataProxy }, blobStore: blobStore() });
      try {
        const response = await fetch(onServer(link.signedUrl[0]!, server.url));
        expect(await response.text()).toBe("<html>deck</html>");
      } finally {
        await server.close();
      }
    });

    it("answers NOT_FOUND for a node without a deck and INVALID_ARGUMENT for a bad request", async () => {
      const h = await nodeWithData();
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(NodeExecution_Phase.RUNNING, { id: { ...nodeExecutionId, nodeId: "n1" }, specNodeId: "n1" }),
        ctx,
      );
      const noDeck = await failure(() =>
        h.dataProxy.createDownloadLink(
          create(CreateDownloadLinkRequestSchema, {
            artifactType: ArtifactType.DECK,
            source: { case: "nodeExecutionId", value: { ...nodeExecutionId, nodeId: "n1" } },
          }),
          ctx,
        ),
      );
      expect([noDeck.code, noDeck.rawMessage]).toEqual([Code.NotFound, "no deckUrl found for request"]);
      const noType = await failure(() =>
        h.dataProxy.createDownloadLink(
          create(CreateDownloadLinkRequestSchema, { source: { case: "nodeExecutionId", value: nodeExecutionId } }),
          ctx,
        ),
      );
      expect([noType.code, noType.rawMessage]).toEqual([
        Code.InvalidArgument,
        "error while validating request. Error: invalid artifact type [UNDEFINED]",
      ]);
    });

    it("signs any native URL for download (CreateDownloadLocation)", async () => {
      const h = harness();
      const response = await h.dataProxy.createDownloadLocation(
        create(CreateDownloadLocationRequestSchema, { nativeUrl: "s3://bucket/decks/deck.html" }),
        ctx,
      );
      expect(response.signedUrl).toMatch(/\/blobs\/bucket\/decks\/deck\.html\?/);
      const tooLong = await failure(() =>
        h.dataProxy.createDownloadLocation(
          create(CreateDownloadLocationRequestSchema, {
            nativeUrl: "s3://bucket/x",
            expiresIn: durationFromMs(3 * 3_600_000),
          }),
          ctx,
        ),
      );
      expect(tooLong.rawMessage).toBe(
        "error while validating request: expiresIn is invalid. Error: input duration [3h0m0s] cannot exceed max allowed expiration [1h0m0s]",
      );
    });

    it("resolves flyte:// URLs of nodes and attempts to literal maps, single literals and deck links", async () => {
      const h = await nodeWithData();
      const get = (flyteUrl: string) => h.dataProxy.getData(create(GetDataRequestSchema, { flyteUrl }), ctx);
      const inputs = await get("flyte://v1/admintests/development/exec1/n0/i");
      expect(inputs.data).toMatchObject({ case: "literalMap", value: { literals: { a: stringLiteral("in") } } });
      const output = await get("flyte://v1/admintests/development/exec1/n0/o/b");
      expect(output.data).toEqual({ case: "literal", value: stringLiteral("out") });
      const deck = await get("flyte://v1/admintests/development/exec1/n0/d");
      expect(deck.data.case).toBe("preSignedUrls");
      const attempt = await get("flyte://v1/admintests/development/exec1/n0/0/i");
      expect(attempt.data).toMatchObject({ case: "literalMap", value: { literals: { a: stringLiteral("in") } } });

      const unknownName = await failure(() => get("flyte://v1/admintests/development/exec1/n0/o/zzz"));
      expect(unknownName.rawMessage).toBe(
        'name [zzz] not found in node execution [node_id:"n0" execution_id:{project:"admintests" domain:"development" name:"exec1"}]',
      );
      const attemptDeck = await failure(() => get("flyte://v1/admintests/development/exec1/n0/0/d"));
      expect(attemptDeck.rawMessage).toBe(
        "deck type cannot be specified with a retry attempt, just use the node instead",
      );
      const noAttempt = await failure(() => get("flyte://v1/admintests/development/exec1/n0/7/i"));
      expect(noAttempt.code).toBe(Code.InvalidArgument);
      const notFlyte = await failure(() => get("s3://bucket/x"));
      expect(notFlyte.rawMessage).toBe(
        "failed to validate resolve artifact request. Error: request does not start with the correct prefix",
      );
      const unparsable = await failure(() => get("flyte://v2/x"));
      expect(unparsable.rawMessage).toBe("failed to parse artifact url Error: failed to parse [flyte://v2/x]");
    });
  });
});
