/** Artifact requests and partitions (datacatalog's artifact_validator.go and partition_validator.go). */
import { AloftError } from "@aloft/idl";
import type {
  Artifact,
  ArtifactData,
  DatasetID,
  GetArtifactRequest,
  ListArtifactsRequest,
  Partition,
  UpdateArtifactRequest,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { validateDatasetId } from "./dataset-validation.js";
import { validatePagination } from "./pagination-validation.js";
import { collectedErrors, invalidFilter, missingArgument, requireNonEmpty } from "./validation-errors.js";

/** @throws AloftError InvalidArgument unless the artifact names its dataset, an id and at least one value. */
export function validateArtifact(
  artifact: Artifact | undefined,
): asserts artifact is Artifact & { dataset: DatasetID } {
  if (artifact === undefined) throw missingArgument("artifact");
  validateDatasetId(artifact.dataset);
  requireNonEmpty(artifact.id, "artifactID");
  validateArtifactData(artifact.data);
}

/**
 * @throws AloftError InvalidArgument unless the request asks by artifact id (the dataset is optional, but checked
 *   when given) or by tag name within a dataset.
 */
export function validateGetArtifactRequest(request: GetArtifactRequest | UpdateArtifactRequest): void {
  const handle = request.queryHandle;
  switch (handle.case) {
    case "artifactId":
      if (request.dataset !== undefined) validateDatasetId(request.dataset);
      requireNonEmpty(handle.value, "artifactID");
      return;
    case "tagName":
      validateDatasetId(request.dataset);
      requireNonEmpty(handle.value, "tagName");
      return;
    default:
      throw missingArgument("one of artifactID/tagName");
  }
}

/** {@link validateGetArtifactRequest}, and at least one value. */
export function validateUpdateArtifactRequest(request: UpdateArtifactRequest): void {
  validateGetArtifactRequest(request);
  validateArtifactData(request.data);
}

/** @throws AloftError InvalidArgument for a bad dataset id, a filter on dataset properties, or bad pagination. */
export function validateListArtifactsRequest(
  request: ListArtifactsRequest,
): asserts request is ListArtifactsRequest & { dataset: DatasetID } {
  validateDatasetId(request.dataset);
  for (const filter of request.filter?.filters ?? []) {
    if (filter.propertyFilter.case === "datasetFilter") throw invalidFilter("Artifact", "Dataset");
  }
  if (request.pagination !== undefined) validatePagination(request.pagination);
}

/**
 * The artifact's partitions must assign exactly the dataset's partition keys: as many partitions as keys, each
 * naming one of them.
 *
 * @throws AloftError InvalidArgument "Partition key mismatch, …" or "Artifact partition assignment does not match
 *   dataset partition keys: …".
 */
export function validatePartitions(datasetKeys: readonly string[], partitions: readonly Partition[]): void {
  if (datasetKeys.length !== partitions.length) {
    throw AloftError.invalidArgument(
      `Partition key mismatch, dataset keys: [${datasetKeys.join(" ")}], artifact Partitions: [${partitions
        .map((partition) => `key:"${partition.key}" value:"${partition.value}"`)
        .join(" ")}]`,
    );
  }
  if (datasetKeys.length === 0) return;
  const matched = new Map(datasetKeys.map((key) => [key, false]));
  let mismatch = false;
  for (const partition of partitions) {
    if (matched.has(partition.key)) matched.set(partition.key, true);
    else mismatch = true;
  }
  if (mismatch) {
    const state = [...matched.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, found]) => `${key}:${found}`)
      .join(" ");
    throw collectedErrors([
      AloftError.invalidArgument(`Artifact partition assignment does not match dataset partition keys: map[${state}]`),
    ]);
  }
}

function validateArtifactData(data: readonly ArtifactData[]): void {
  if (data.length === 0) throw missingArgument("artifactData");
}
