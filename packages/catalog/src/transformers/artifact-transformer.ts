/** Artifacts between their protobuf and their rows. */
import { dbTimeToTimestamp } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { type Artifact, ArtifactSchema } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { ArtifactRecord } from "../repositories/artifact-repo.js";
import { datasetIdOf } from "./dataset-transformer.js";
import { metadataFromBytes } from "./metadata-codec.js";

/** The artifact a record holds, without its data values (they are read from the blob store). */
export function artifactFromRecord(record: ArtifactRecord): Artifact {
  const { row } = record;
  const dataset = datasetIdOf(
    { project: row.dataset_project, name: row.dataset_name, domain: row.dataset_domain, version: row.dataset_version },
    row.dataset_uuid,
  );
  return create(ArtifactSchema, {
    id: row.artifact_id,
    dataset,
    metadata: metadataFromBytes(row.serialized_metadata),
    partitions: record.partitions.map((partition) => ({
      key: partition.partition_key,
      value: partition.partition_value,
    })),
    tags: record.tags.map((tag) => ({ name: tag.tag_name, artifactId: tag.artifact_id, dataset })),
    createdAt: dbTimeToTimestamp(row.created_at),
  });
}
