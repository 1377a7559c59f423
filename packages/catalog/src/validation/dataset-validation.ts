/** Dataset requests (datacatalog's dataset_validator.go). */
import { AloftError } from "@aloft/idl";
import type {
  CreateDatasetRequest,
  Dataset,
  DatasetID,
  ListDatasetsRequest,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { validatePagination } from "./pagination-validation.js";
import {
  collectedErrors,
  invalidArgument,
  invalidFilter,
  missingArgument,
  requireNonEmpty,
} from "./validation-errors.js";

/** @throws AloftError InvalidArgument "missing dataset" / "missing project" … unless every id field is set. */
export function validateDatasetId(id: DatasetID | undefined): asserts id is DatasetID {
  if (id === undefined) throw missingArgument("dataset");
  requireNonEmpty(id.project, "project");
  requireNonEmpty(id.domain, "domain");
  requireNonEmpty(id.name, "name");
  requireNonEmpty(id.version, "version");
}

/** @throws AloftError InvalidArgument for a bad dataset id and repeated partition keys, together. */
export function validateCreateDatasetRequest(
  request: CreateDatasetRequest,
): asserts request is CreateDatasetRequest & { dataset: Dataset } {
  const errors: AloftError[] = [];
  for (const check of [
    () => validateDatasetId(request.dataset?.id),
    () => validateUniquePartitionKeys(request.dataset?.partitionKeys ?? []),
  ]) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof AloftError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0) throw collectedErrors(errors);
  if (request.dataset === undefined) throw missingArgument("dataset");
}

/** @throws AloftError InvalidArgument naming the occurrence count of each key when a key repeats. */
export function validateUniquePartitionKeys(keys: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  if ([...counts.values()].every((count) => count === 1)) return;
  // Formatted as Go prints a map: keys sorted.
  const occurrences = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, count]) => `${key}:${count}`)
    .join(" ");
  throw invalidArgument("partitionKey", `Keys are not unique, occurrence count: map[${occurrences}]`);
}

/** @throws AloftError InvalidArgument for bad pagination or a filter on tags, partitions or artifacts. */
export function validateListDatasetsRequest(request: ListDatasetsRequest): void {
  if (request.pagination !== undefined) validatePagination(request.pagination);
  for (const filter of request.filter?.filters ?? []) {
    switch (filter.propertyFilter.case) {
      case "tagFilter":
        throw invalidFilter("Dataset", "Tag");
      case "partitionFilter":
        throw invalidFilter("Dataset", "Partition");
      case "artifactFilter":
        throw invalidFilter("Dataset", "Artifact");
      default:
        break;
    }
  }
}
