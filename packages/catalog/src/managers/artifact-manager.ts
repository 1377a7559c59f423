/** CreateArtifact, GetArtifact, ListArtifacts and UpdateArtifact (datacatalog/pkg/manager/impl/artifact_manager.go). */
import { AloftError } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  type Artifact,
  ArtifactDataSchema,
  type CreateArtifactRequest,
  type CreateArtifactResponse,
  CreateArtifactResponseSchema,
  type DatasetID,
  type GetArtifactRequest,
  type GetArtifactResponse,
  GetArtifactResponseSchema,
  type ListArtifactsRequest,
  type ListArtifactsResponse,
  ListArtifactsResponseSchema,
  type UpdateArtifactRequest,
  type UpdateArtifactResponse,
  UpdateArtifactResponseSchema,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { ArtifactRecord } from "../repositories/artifact-repo.js";
import type { DatasetKey } from "../repositories/catalog-db.js";
import type { CatalogRepositories } from "../repositories/create-catalog-repositories.js";
import { artifactFromRecord } from "../transformers/artifact-transformer.js";
import { datasetKeyOf, partitionKeysFromRow } from "../transformers/dataset-transformer.js";
import { metadataToBytes } from "../transformers/metadata-codec.js";
import {
  validateArtifact,
  validateGetArtifactRequest,
  validateListArtifactsRequest,
  validatePartitions,
  validateUpdateArtifactRequest,
} from "../validation/artifact-validation.js";
import { pageOf } from "../validation/pagination-validation.js";
import type { ArtifactDataStore } from "./artifact-data-store.js";
import { getDatasetRow } from "./dataset-manager.js";
import { artifactConditions } from "./list-conditions.js";
import { datasetIdText, missingEntity } from "./missing-entity.js";

export interface ArtifactManager {
  /**
   * Stores the values in the blob store, then the artifact.
   * @throws AloftError InvalidArgument for a bad request or partitions that do not match the dataset's keys,
   *   NotFound for an unknown dataset, AlreadyExists for a known artifact id.
   */
  createArtifact(request: CreateArtifactRequest): Promise<CreateArtifactResponse>;
  /** The artifact with its values, by id or by tag. @throws AloftError NotFound when there is none. */
  getArtifact(request: GetArtifactRequest): Promise<GetArtifactResponse>;
  /** One page of a dataset's artifacts with their values; `nextToken` is the offset after it. */
  listArtifacts(request: ListArtifactsRequest): Promise<ListArtifactsResponse>;
  /**
   * Replaces an artifact's values and metadata; values no longer given are deleted from the blob store after the
   * database update. @throws AloftError NotFound when there is no such artifact.
   */
  updateArtifact(request: UpdateArtifactRequest): Promise<UpdateArtifactResponse>;
}

export function createArtifactManager(repos: CatalogRepositories, dataStore: ArtifactDataStore): ArtifactManager {
  /** The artifact a get or update names, by id or tag. */
  async function findArtifact(
    dataset: DatasetID | undefined,
    handle: GetArtifactRequest["queryHandle"],
  ): Promise<ArtifactRecord> {
    let record: ArtifactRecord | undefined;
    if (handle.case === "artifactId") {
      const key = dataset === undefined ? undefined : datasetKeyOf(dataset);
      record = await repos.artifacts.find({ artifactId: handle.value, ...(key === undefined ? {} : { dataset: key }) });
      if (record === undefined) {
        throw missingEntity("Artifact", [
          ["id", handle.value],
          ["dataset", key === undefined ? [] : datasetIdText(key)],
        ]);
      }
    } else {
      const tagName = handle.value ?? "";
      record = await repos.artifacts.findByTag({ dataset: datasetKeyOf(dataset), tagName });
      if (record === undefined) throw missingEntity("Tag", [["name", tagName]]);
    }
    if (record.data.length === 0) {
      const key = handle.value ?? "";
      throw AloftError.internal(
        `artifact [${record.row.artifact_id}] with key ${key} does not have artifact data associated`,
      );
    }
    return record;
  }

  /** The artifact a record holds, with its values read from the blob store. */
  async function withData(records: readonly ArtifactRecord[]): Promise<Artifact[]> {
    const values = await dataStore.getAll(records.flatMap((record) => record.data.map((data) => data.location)));
    let next = 0;
    return records.map((record) => {
      const artifact = artifactFromRecord(record);
      artifact.data = record.data.map((data) => create(ArtifactDataSchema, { name: data.name, value: values[next++] }));
      return artifact;
    });
  }

  return {
    async createArtifact(request) {
      const artifact = request.artifact;
      validateArtifact(artifact);
      const datasetRow = await getDatasetRow(repos, artifact.dataset);
      validatePartitions(partitionKeysFromRow(datasetRow), artifact.partitions);
      const dataset = datasetKeyOf(artifact.dataset);
      const data = await Promise.all(
        artifact.data.map(async (item) => ({
          name: item.name,
          location: await dataStore.put(dataset, artifact.id, item.name, item.value),
        })),
      );
      await repos.artifacts.create({
        dataset,
        datasetUuid: datasetRow.uuid,
        artifactId: artifact.id,
        serializedMetadata: metadataToBytes(artifact.metadata),
        data,
        partitions: artifact.partitions.map(({ key, value }) => ({ key, value })),
      });
      return create(CreateArtifactResponseSchema);
    },

    async getArtifact(request) {
      validateGetArtifactRequest(request);
      const record = await findArtifact(request.dataset, request.queryHandle);
      const [artifact] = await withData([record]);
      return create(GetArtifactResponseSchema, { artifact });
    },

    async listArtifacts(request) {
      validateListArtifactsRequest(request);
      const datasetRow = await getDatasetRow(repos, request.dataset);
      const conditions = artifactConditions(request.filter);
      const page = pageOf(request.pagination);
      const records = await repos.artifacts.list(datasetRow.uuid, conditions, page);
      return create(ListArtifactsResponseSchema, {
        artifacts: await withData(records),
        nextToken: String(page.offset + records.length),
      });
    },

    async updateArtifact(request) {
      validateUpdateArtifactRequest(request);
      const record = await findArtifact(request.dataset, request.queryHandle);
      const dataset: DatasetKey = {
        project: record.row.dataset_project,
        name: record.row.dataset_name,
        domain: record.row.dataset_domain,
        version: record.row.dataset_version,
      };
      const data = await Promise.all(
        request.data.map(async (item) => ({
          name: item.name,
          location: await dataStore.put(dataset, record.row.artifact_id, item.name, item.value),
        })),
      );
      const kept = new Set(data.map((item) => item.name));
      const removed = record.data.filter((item) => !kept.has(item.name));
      const updated = await repos.artifacts.update(record.row.id, {
        serializedMetadata: metadataToBytes(request.metadata),
        data,
      });
      if (!updated) {
        throw missingEntity("Artifact", [
          ["id", record.row.artifact_id],
          ["dataset", datasetIdText(dataset)],
        ]);
      }
      // Blobs go last: a failed database update must not leave rows pointing at deleted values.
      for (const item of removed) await dataStore.delete(item.location);
      return create(UpdateArtifactResponseSchema, { artifactId: record.row.artifact_id });
    },
  };
}
