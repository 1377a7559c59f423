/**
 * A list request's filter expression as typed conditions (datacatalog's transformers/filters.go). Only equality
 * exists; a filter on something the listed entity cannot be filtered by is refused.
 */
import { AloftError } from "@aloft/idl";
import type { FilterExpression } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { ArtifactCondition } from "../repositories/artifact-repo.js";
import type { DatasetCondition } from "../repositories/dataset-repo.js";
import { requireNonEmpty } from "../validation/validation-errors.js";

/**
 * The partition and tag conditions of a ListArtifacts filter.
 *
 * @throws AloftError InvalidArgument for an empty key, value or tag name, and "no such entity" for a filter with no
 *   property or on artifact ids.
 */
export function artifactConditions(expression: FilterExpression | undefined): ArtifactCondition[] {
  return (expression?.filters ?? []).map((filter): ArtifactCondition => {
    const property = filter.propertyFilter;
    if (property.case === "partitionFilter" && property.value.property.case === "keyVal") {
      const { key, value } = property.value.property.value;
      requireNonEmpty(key, "PartitionKey");
      requireNonEmpty(value, "PartitionValue");
      return { kind: "partition", key, value };
    }
    if (property.case === "tagFilter" && property.value.property.case === "tagName") {
      requireNonEmpty(property.value.property.value, "TagName");
      return { kind: "tag", tagName: property.value.property.value };
    }
    throw noSuchEntity();
  });
}

/**
 * The dataset property conditions of a ListDatasets filter.
 *
 * @throws AloftError InvalidArgument for an empty value, and "no such entity" for a filter with no property or on
 *   the org.
 */
export function datasetConditions(expression: FilterExpression | undefined): DatasetCondition[] {
  return (expression?.filters ?? []).map((filter): DatasetCondition => {
    const property = filter.propertyFilter;
    if (property.case !== "datasetFilter") throw noSuchEntity();
    const which = property.value.property;
    switch (which.case) {
      case "project":
      case "name":
      case "domain":
      case "version":
        requireNonEmpty(which.value, which.case);
        return { property: which.case, value: which.value };
      default:
        throw noSuchEntity();
    }
  });
}

// datacatalog builds an empty model filter for properties it does not know and then fails to find its table.
function noSuchEntity(): AloftError {
  return AloftError.invalidArgument("no such entity ");
}
