/** Tags (datacatalog's tag_validator.go). */
import type { DatasetID, Tag } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { validateDatasetId } from "./dataset-validation.js";
import { missingArgument, requireNonEmpty } from "./validation-errors.js";

/** @throws AloftError InvalidArgument "missing tag" / a dataset id error / "missing tagName" / "missing artifactID". */
export function validateTag(tag: Tag | undefined): asserts tag is Tag & { dataset: DatasetID } {
  if (tag === undefined) throw missingArgument("tag");
  validateDatasetId(tag.dataset);
  requireNonEmpty(tag.name, "tagName");
  requireNonEmpty(tag.artifactId, "artifactID");
}
