/** CreateDataset, GetDataset and ListDatasets (datacatalog/pkg/manager/impl/dataset_manager.go). */
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import {
  type CreateDatasetRequest,
  type CreateDatasetResponse,
  CreateDatasetResponseSchema,
  type DatasetID,
  type GetDatasetRequest,
  type GetDatasetResponse,
  GetDatasetResponseSchema,
  type ListDatasetsRequest,
  type ListDatasetsResponse,
  ListDatasetsResponseSchema,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { DatasetRow } from "../db/catalog-schema.js";
import type { CatalogRepositories } from "../repositories/create-catalog-repositories.js";
import { datasetFromRow, datasetKeyOf, datasetToRow } from "../transformers/dataset-transformer.js";
import {
  validateCreateDatasetRequest,
  validateDatasetId,
  validateListDatasetsRequest,
} from "../validation/dataset-validation.js";
import { pageOf } from "../validation/pagination-validation.js";
import { datasetConditions } from "./list-conditions.js";
import { datasetIdText, missingEntity } from "./missing-entity.js";

export interface DatasetManager {
  /** @throws AloftError InvalidArgument for a bad id or repeated partition keys, AlreadyExists for a known id. */
  createDataset(request: CreateDatasetRequest): Promise<CreateDatasetResponse>;
  /** @throws AloftError InvalidArgument for a bad id, NotFound for an unknown one. */
  getDataset(request: GetDatasetRequest): Promise<GetDatasetResponse>;
  /** One page of datasets; `nextToken` is the offset after it. */
  listDatasets(request: ListDatasetsRequest): Promise<ListDatasetsResponse>;
}

export function createDatasetManager(repos: Pick<CatalogRepositories, "datasets">): DatasetManager {
  return {
    async createDataset(request) {
      validateCreateDatasetRequest(request);
      await repos.datasets.create(datasetToRow(request.dataset, randomUUID()));
      return create(CreateDatasetResponseSchema);
    },

    async getDataset(request) {
      validateDatasetId(request.dataset);
      return create(GetDatasetResponseSchema, { dataset: datasetFromRow(await getDatasetRow(repos, request.dataset)) });
    },

    async listDatasets(request) {
      validateListDatasetsRequest(request);
      const conditions = datasetConditions(request.filter);
      const page = pageOf(request.pagination);
      const rows = await repos.datasets.list(conditions, page);
      return create(ListDatasetsResponseSchema, {
        datasets: rows.map(datasetFromRow),
        nextToken: String(page.offset + rows.length),
      });
    },
  };
}

/**
 * The row of a (validated) dataset id.
 * @throws AloftError NotFound "missing entity of type Dataset with identifier …".
 */
export async function getDatasetRow(repos: Pick<CatalogRepositories, "datasets">, id: DatasetID): Promise<DatasetRow> {
  const key = datasetKeyOf(id);
  const row = await repos.datasets.find({ ...key, uuid: id.UUID });
  if (row === undefined) throw missingEntity("Dataset", datasetIdText(key));
  return row;
}
