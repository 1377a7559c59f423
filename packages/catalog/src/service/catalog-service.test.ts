import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Code, integerLiteral, stringLiteral } from "@aloft/idl";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type DatasetID,
  DatasetIDSchema,
  type FilterExpressionSchema,
  PaginationOptions_SortOrder,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { expect, it } from "vitest";
import { openCatalogTestContext } from "../catalog-test-context.test-helper.js";

const datasetId = (name = "flyte_task-wf.t1", version = "1.0-abc-def"): DatasetID =>
  create(DatasetIDSchema, { project: "flytesnacks", domain: "development", name, version });

const rejects = (code: Code, rawMessage?: string | RegExp) =>
  expect.objectContaining(
    rawMessage === undefined
      ? { code }
      : { code, rawMessage: typeof rawMessage === "string" ? rawMessage : expect.stringMatching(rawMessage) },
  );

const byTag = (tagName: string) => ({ case: "tagName" as const, value: tagName });
const byId = (artifactId: string) => ({ case: "artifactId" as const, value: artifactId });

describeEachDialect("DataCatalog service", openCatalogTestContext, (t) => {
  async function createArtifact(id: string, options: { dataset?: DatasetID; tag?: string; value?: string } = {}) {
    const dataset = options.dataset ?? datasetId();
    await t().catalog.createArtifact({
      artifact: {
        id,
        dataset,
        data: [
          { name: "o0", value: stringLiteral(options.value ?? `value of ${id}`) },
          { name: "o1", value: integerLiteral(7) },
        ],
        metadata: { keyMap: { "execution-name": `exec-${id}` } },
      },
    });
    if (options.tag !== undefined) {
      await t().catalog.addTag({ tag: { name: options.tag, artifactId: id, dataset } });
    }
  }

  it("creates a dataset once and returns it with its metadata, partition keys and a UUID", async () => {
    const { catalog } = t();
    await catalog.createDataset({
      dataset: { id: datasetId(), metadata: { keyMap: { "task-version": "v1" } }, partitionKeys: ["region", "day"] },
    });
    const { dataset } = await catalog.getDataset({ dataset: datasetId() });
    expect(dataset?.id).toMatchObject({ project: "flytesnacks", name: "flyte_task-wf.t1", version: "1.0-abc-def" });
    expect(dataset?.id?.UUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(dataset?.metadata?.keyMap).toEqual({ "task-version": "v1" });
    expect(dataset?.partitionKeys).toEqual(["region", "day"]);
    await expect(catalog.createDataset({ dataset: { id: datasetId() } })).rejects.toThrow(
      rejects(Code.AlreadyExists, /^value with matching already exists/),
    );
    const wrongUuid = create(DatasetIDSchema, { ...datasetId(), UUID: "00000000-0000-0000-0000-000000000000" });
    await expect(catalog.getDataset({ dataset: wrongUuid })).rejects.toThrow(rejects(Code.NotFound));
  });

  it("refuses incomplete dataset ids and repeated partition keys", async () => {
    const { catalog } = t();
    await expect(catalog.createDataset({ dataset: { id: { ...datasetId(), project: "" } } })).rejects.toThrow(
      rejects(Code.InvalidArgument, "missing project"),
    );
    await expect(
      catalog.createDataset({ dataset: { id: { ...datasetId(), version: "" }, partitionKeys: ["b", "a", "b"] } }),
    ).rejects.toThrow(
      rejects(
        Code.InvalidArgument,
        "missing version, invalid value for partitionKey, value:[Keys are not unique, occurrence count: map[a:1 b:2]]",
      ),
    );
    await expect(catalog.getDataset({})).rejects.toThrow(rejects(Code.InvalidArgument, "missing dataset"));
    await expect(catalog.getDataset({ dataset: datasetId("absent") })).rejects.toThrow(
      rejects(
        Code.NotFound,
        'missing entity of type Dataset with identifier project:"flytesnacks" name:"absent" domain:"development" version:"1.0-abc-def"',
      ),
    );
  });

  it("lists datasets by property, newest first, a page at a time", async () => {
    const { catalog, clock } = t();
    for (const [index, name] of ["a", "b", "c"].entries()) {
      clock.now = new Date(Date.UTC(2024, 4, 1, 12, index));
      await catalog.createDataset({ dataset: { id: datasetId(name) } });
    }
    await catalog.createDataset({ dataset: { id: { ...datasetId("a"), project: "other" } } });
    const byProject: MessageInitShape<typeof FilterExpressionSchema>["filters"] = [
      { propertyFilter: { case: "datasetFilter", value: { property: { case: "project", value: "flytesnacks" } } } },
    ];
    const first = await catalog.listDatasets({ filter: { filters: byProject }, pagination: { limit: 2 } });
    expect(first.datasets.map((d) => d.id?.name)).toEqual(["c", "b"]);
    expect(first.nextToken).toBe("2");
    const second = await catalog.listDatasets({ filter: { filters: byProject }, pagination: { limit: 2, token: "2" } });
    expect(second.datasets.map((d) => d.id?.name)).toEqual(["a"]);
    expect(second.nextToken).toBe("3");
    const ascending = await catalog.listDatasets({
      pagination: { limit: 10, sortOrder: PaginationOptions_SortOrder.ASCENDING },
    });
    expect(ascending.datasets.map((d) => `${d.id?.project}/${d.id?.name}`)).toEqual([
      "flytesnacks/a",
      "flytesnacks/b",
      "flytesnacks/c",
      "other/a",
    ]);
    const byName = await catalog.listDatasets({
      filter: {
        filters: [{ propertyFilter: { case: "datasetFilter", value: { property: { case: "name", value: "a" } } } }],
      },
    });
    expect(byName.datasets.map((d) => d.id?.project).sort()).toEqual(["flytesnacks", "other"]);
  });

  it("refuses list filters and pages datacatalog refuses", async () => {
    const { catalog } = t();
    const tagFilter = { propertyFilter: { case: "tagFilter" as const, value: { property: byTag("x") } } };
    await expect(catalog.listDatasets({ filter: { filters: [tagFilter] } })).rejects.toThrow(
      rejects(Code.InvalidArgument, "Dataset cannot be filtered by Tag properties"),
    );
    await expect(catalog.listDatasets({ pagination: { token: "-1" } })).rejects.toThrow(
      rejects(Code.InvalidArgument, "Invalid token value: -1"),
    );
    await expect(catalog.listDatasets({ pagination: { sortOrder: 7 as PaginationOptions_SortOrder } })).rejects.toThrow(
      rejects(Code.InvalidArgument, "Invalid sort order 7"),
    );
    const orgFilter = {
      propertyFilter: { case: "datasetFilter" as const, value: { property: { case: "org" as const, value: "o" } } },
    };
    await expect(catalog.listDatasets({ filter: { filters: [orgFilter] } })).rejects.toThrow(
      rejects(Code.InvalidArgument),
    );
    await catalog.createDataset({ dataset: { id: datasetId() } });
    const datasetFilter = {
      propertyFilter: { case: "datasetFilter" as const, value: { property: { case: "project" as const, value: "p" } } },
    };
    await expect(catalog.listArtifacts({ dataset: datasetId(), filter: { filters: [datasetFilter] } })).rejects.toThrow(
      rejects(Code.InvalidArgument, "Artifact cannot be filtered by Dataset properties"),
    );
  });

  it("stores artifact values as Literal files at datacatalog's paths and returns them with the artifact", async () => {
    const { catalog, blobStore, clock } = t();
    await catalog.createDataset({ dataset: { id: datasetId() } });
    clock.now = new Date("2024-06-01T08:30:00.250Z");
    await createArtifact("art-1");
    const location = `${blobStore.baseUri}/metadata/flytesnacks/development/flyte_task-wf.t1/1.0-abc-def/art-1/o0/data.pb`;
    expect(existsSync(fileURLToPath(location))).toBe(true);
    for (const request of [{ dataset: datasetId(), queryHandle: byId("art-1") }, { queryHandle: byId("art-1") }]) {
      const { artifact } = await catalog.getArtifact(request);
      expect(artifact?.id).toBe("art-1");
      expect(artifact?.dataset).toMatchObject({ name: "flyte_task-wf.t1", version: "1.0-abc-def" });
      expect(artifact?.data.map((d) => [d.name, d.value])).toEqual([
        ["o0", stringLiteral("value of art-1")],
        ["o1", integerLiteral(7)],
      ]);
      expect(artifact?.metadata?.keyMap).toEqual({ "execution-name": "exec-art-1" });
      expect(artifact?.createdAt && timestampDate(artifact.createdAt)).toEqual(clock.now);
    }
  });

  it("refuses artifacts without dataset, values or a fresh id", async () => {
    const { catalog } = t();
    await expect(createArtifact("a")).rejects.toThrow(rejects(Code.NotFound, /^missing entity of type Dataset/));
    await catalog.createDataset({ dataset: { id: datasetId() } });
    await expect(catalog.createArtifact({ artifact: { id: "a", dataset: datasetId() } })).rejects.toThrow(
      rejects(Code.InvalidArgument, "missing artifactData"),
    );
    await createArtifact("a");
    await expect(createArtifact("a")).rejects.toThrow(rejects(Code.AlreadyExists));
    await expect(catalog.getArtifact({ dataset: datasetId(), queryHandle: byId("b") })).rejects.toThrow(
      rejects(Code.NotFound, /^missing entity of type Artifact with identifier id:"b"/),
    );
    await expect(catalog.getArtifact({ dataset: datasetId() })).rejects.toThrow(
      rejects(Code.InvalidArgument, "missing one of artifactID/tagName"),
    );
  });

  it("requires an artifact's partitions to assign exactly the dataset's partition keys", async () => {
    const { catalog } = t();
    await catalog.createDataset({ dataset: { id: datasetId(), partitionKeys: ["region", "day"] } });
    const artifact = (partitions: { key: string; value: string }[]) => ({
      artifact: { id: "p1", dataset: datasetId(), data: [{ name: "o0", value: integerLiteral(1) }], partitions },
    });
    await expect(catalog.createArtifact(artifact([{ key: "region", value: "eu" }]))).rejects.toThrow(
      rejects(Code.InvalidArgument, /^Partition key mismatch/),
    );
    await expect(
      catalog.createArtifact(
        artifact([
          { key: "region", value: "eu" },
          { key: "month", value: "5" },
        ]),
      ),
    ).rejects.toThrow(
      rejects(
        Code.InvalidArgument,
        "Artifact partition assignment does not match dataset partition keys: map[day:false region:true]",
      ),
    );
    await catalog.createArtifact(
      artifact([
        { key: "day", value: "1" },
        { key: "region", value: "eu" },
      ]),
    );
    const { artifact: stored } = await catalog.getArtifact({ queryHandle: byId("p1") });
    expect(stored?.partitions.map((p) => `${p.key}=${p.value}`)).toEqual(["day=1", "region=eu"]);
  });

  it("tags an artifact once, finds it by tag and lists the tag on the artifact", async () => {
    const { catalog } = t();
    await catalog.createDataset({ dataset: { id: datasetId() } });
    await createArtifact("a1", { tag: "flyte_cached-abc" });
    const { artifact } = await catalog.getArtifact({ dataset: datasetId(), queryHandle: byTag("flyte_cached-abc") });
    expect(artifact?.id).toBe("a1");
    expect(artifact?.tags.map((tag) => [tag.name, tag.artifactId])).toEqual([["flyte_cached-abc", "a1"]]);
    await createArtifact("a2");
    await expect(
      catalog.addTag({ tag: { name: "flyte_cached-abc", artifactId: "a2", dataset: datasetId() } }),
    ).rejects.toThrow(rejects(Code.AlreadyExists));
    await expect(catalog.addTag({ tag: { name: "t", artifactId: "nope", dataset: datasetId() } })).rejects.toThrow(
      rejects(Code.NotFound, /^missing entity of type Artifact/),
    );
    await expect(catalog.addTag({ tag: { name: "", artifactId: "a2", dataset: datasetId() } })).rejects.toThrow(
      rejects(Code.InvalidArgument, "missing tagName"),
    );
    await expect(catalog.getArtifact({ dataset: datasetId(), queryHandle: byTag("flyte_cached-zzz") })).rejects.toThrow(
      rejects(Code.NotFound, 'missing entity of type Tag with identifier name:"flyte_cached-zzz"'),
    );
  });

  it("lists a dataset's artifacts with their values, filtered by tag or partition", async () => {
    const { catalog, clock } = t();
    await catalog.createDataset({ dataset: { id: datasetId(), partitionKeys: ["region"] } });
    await catalog.createDataset({ dataset: { id: datasetId("other"), partitionKeys: ["region"] } });
    for (const [index, [id, region]] of [
      ["a1", "eu"],
      ["a2", "us"],
      ["a3", "eu"],
    ].entries()) {
      clock.now = new Date(Date.UTC(2024, 4, 2, 0, index));
      await catalog.createArtifact({
        artifact: {
          id,
          dataset: datasetId(),
          data: [{ name: "o0", value: stringLiteral(id ?? "") }],
          partitions: [{ key: "region", value: region ?? "" }],
        },
      });
    }
    await catalog.createArtifact({
      artifact: {
        id: "elsewhere",
        dataset: datasetId("other"),
        data: [{ name: "o0", value: stringLiteral("x") }],
        partitions: [{ key: "region", value: "eu" }],
      },
    });
    await catalog.addTag({ tag: { name: "latest", artifactId: "a2", dataset: datasetId() } });

    const all = await catalog.listArtifacts({ dataset: datasetId() });
    expect(all.artifacts.map((a) => a.id)).toEqual(["a3", "a2", "a1"]);
    expect(all.artifacts.map((a) => a.data[0]?.value)).toEqual(["a3", "a2", "a1"].map(stringLiteral));
    expect(all.nextToken).toBe("3");

    const eu = await catalog.listArtifacts({
      dataset: datasetId(),
      filter: {
        filters: [
          {
            propertyFilter: {
              case: "partitionFilter",
              value: { property: { case: "keyVal", value: { key: "region", value: "eu" } } },
            },
          },
        ],
      },
      pagination: { limit: 1, token: "1", sortOrder: PaginationOptions_SortOrder.ASCENDING },
    });
    expect(eu.artifacts.map((a) => a.id)).toEqual(["a3"]);
    expect(eu.nextToken).toBe("2");

    const tagged = await catalog.listArtifacts({
      dataset: datasetId(),
      filter: { filters: [{ propertyFilter: { case: "tagFilter", value: { property: byTag("latest") } } }] },
    });
    expect(tagged.artifacts.map((a) => a.id)).toEqual(["a2"]);
    // With pagination options the limit is taken as given, as datacatalog does.
    expect((await catalog.listArtifacts({ dataset: datasetId(), pagination: { token: "0" } })).artifacts).toEqual([]);
  });

  it("overwrites an artifact's values and metadata and deletes values no longer given", async () => {
    const { catalog, blobStore } = t();
    await catalog.createDataset({ dataset: { id: datasetId() } });
    await createArtifact("a1", { tag: "flyte_cached-abc" });
    const { artifactId } = await catalog.updateArtifact({
      dataset: datasetId(),
      queryHandle: byTag("flyte_cached-abc"),
      data: [{ name: "o0", value: stringLiteral("fresh") }],
      metadata: { keyMap: { "execution-name": "exec-2" } },
    });
    expect(artifactId).toBe("a1");
    const { artifact } = await catalog.getArtifact({ dataset: datasetId(), queryHandle: byTag("flyte_cached-abc") });
    expect(artifact?.data.map((d) => [d.name, d.value])).toEqual([["o0", stringLiteral("fresh")]]);
    expect(artifact?.metadata?.keyMap).toEqual({ "execution-name": "exec-2" });
    const removed = `${blobStore.baseUri}/metadata/flytesnacks/development/flyte_task-wf.t1/1.0-abc-def/a1/o1/data.pb`;
    expect(await blobStore.exists(removed)).toBe(false);
    await expect(
      catalog.updateArtifact({
        dataset: datasetId(),
        queryHandle: byTag("flyte_cached-new"),
        data: [{ name: "o0", value: stringLiteral("x") }],
      }),
    ).rejects.toThrow(rejects(Code.NotFound));
    await expect(
      catalog.updateArtifact({ dataset: datasetId(), queryHandle: byTag("flyte_cached-abc") }),
    ).rejects.toThrow(rejects(Code.InvalidArgument, "missing artifactData"));
  });

  it("reports an artifact whose stored value is gone as Internal", async () => {
    const { catalog, blobStore } = t();
    await catalog.createDataset({ dataset: { id: datasetId() } });
    await createArtifact("a1");
    await blobStore.delete(
      `${blobStore.baseUri}/metadata/flytesnacks/development/flyte_task-wf.t1/1.0-abc-def/a1/o1/data.pb`,
    );
    await expect(catalog.getArtifact({ queryHandle: byId("a1") })).rejects.toThrow(
      rejects(Code.Internal, /^Unable to read artifact data from location .*\/a1\/o1\/data\.pb/),
    );
  });
});
