/** Datasets between their protobuf and their rows. */
import { create } from "@bufbuild/protobuf";
import {
  type Dataset,
  type DatasetID,
  DatasetIDSchema,
  DatasetSchema,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { DatasetRow, NewDatasetRow } from "../db/catalog-schema.js";
import type { DatasetKey } from "../repositories/catalog-db.js";
import { metadataFromBytes, metadataToBytes } from "./metadata-codec.js";

/** The row of a new dataset; `uuid` is used when the request carries none. */
export function datasetToRow(dataset: Dataset, uuid: string): NewDatasetRow {
  const id = dataset.id;
  return {
    uuid: id?.UUID || uuid,
    project: id?.project ?? "",
    name: id?.name ?? "",
    domain: id?.domain ?? "",
    version: id?.version ?? "",
    serialized_metadata: metadataToBytes(dataset.metadata),
    partition_keys: JSON.stringify(dataset.partitionKeys),
  };
}

/** The dataset a row holds, its id carrying the UUID. */
export function datasetFromRow(row: DatasetRow): Dataset {
  return create(DatasetSchema, {
    id: { project: row.project, name: row.name, domain: row.domain, version: row.version, UUID: row.uuid },
    metadata: metadataFromBytes(row.serialized_metadata),
    partitionKeys: partitionKeysFromRow(row),
  });
}

/** The dataset's partition keys, in declaration order. */
export function partitionKeysFromRow(row: DatasetRow): string[] {
  return JSON.parse(row.partition_keys) as string[];
}

/** The natural key of a (validated) dataset id. */
export function datasetKeyOf(id: DatasetID | undefined): DatasetKey {
  return { project: id?.project ?? "", name: id?.name ?? "", domain: id?.domain ?? "", version: id?.version ?? "" };
}

/** The dataset id of a row's dataset columns. */
export function datasetIdOf(key: DatasetKey, uuid = ""): DatasetID {
  return create(DatasetIDSchema, { ...key, UUID: uuid });
}
