import { create } from "@bufbuild/protobuf";
import {
  type DescriptionEntity,
  DescriptionEntitySchema,
  DescriptionSchema,
} from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { DescriptionEntityRow, NewDescriptionEntityRow } from "../db/schema.js";
import { entityKeyToId } from "./identifier-transformer.js";
import { decodeOptionalColumn, encodeColumn } from "./proto-bytes.js";

/** A task's or workflow's `spec.description` → a `description_entities` row for `id`. */
export function descriptionEntityToRow(entity: DescriptionEntity, id: Identifier): NewDescriptionEntityRow {
  return {
    resource_type: id.resourceType,
    project: id.project,
    domain: id.domain,
    name: id.name,
    version: id.version,
    short_description: entity.shortDescription,
    long_description:
      entity.longDescription === undefined ? null : encodeColumn(DescriptionSchema, entity.longDescription),
    link: entity.sourceCode?.link ?? "",
  };
}

/** A `description_entities` row → `admin.DescriptionEntity`. */
export function descriptionEntityFromRow(row: DescriptionEntityRow): DescriptionEntity {
  return create(DescriptionEntitySchema, {
    id: entityKeyToId(row, row.resource_type),
    shortDescription: row.short_description,
    longDescription:
      decodeOptionalColumn(DescriptionSchema, row.long_description, "longDescription") ?? create(DescriptionSchema),
    sourceCode: { link: row.link },
  });
}
