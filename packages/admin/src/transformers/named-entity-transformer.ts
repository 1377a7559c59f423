import { create } from "@bufbuild/protobuf";
import { type NamedEntity, NamedEntitySchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type { NamedEntityRecord } from "../repositories/named-entity-repo.js";

/** A named entity record → `admin.NamedEntity`. */
export function namedEntityFromRecord(record: NamedEntityRecord): NamedEntity {
  return create(NamedEntitySchema, {
    resourceType: record.resource_type,
    id: { project: record.project, domain: record.domain, name: record.name },
    metadata: { description: record.description, state: record.state },
  });
}
