/**
 * Description entities: the long descriptions registered with task and workflow versions (flyteadmin
 * `description_entity_manager.go`).
 */
import { create } from "@bufbuild/protobuf";
import { DescriptionEntityListSchema } from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { fieldFilter, identifierFilters } from "../repositories/filters/filter-expression.js";
import { descriptionEntityFromRow } from "../transformers/description-entity-transformer.js";
import { missingArgument, requireLimit, requireNonEmpty } from "../validation/field-validation.js";
import { validateIdentifierFieldsSet, validateResourceType } from "../validation/identifier-validation.js";
import { listInputFrom, pageTokenAfter } from "../validation/list-input.js";
import type { DescriptionEntityManager } from "./interfaces.js";

/** What {@link createDescriptionEntityManager} needs. */
export interface DescriptionEntityManagerDeps {
  repos: Pick<Repositories, "descriptionEntities">;
}

/** The {@link DescriptionEntityManager}. */
export function createDescriptionEntityManager(deps: DescriptionEntityManagerDeps): DescriptionEntityManager {
  const { descriptionEntities } = deps.repos;

  return {
    async getDescriptionEntity(request) {
      validateResourceType(request.id?.resourceType ?? ResourceType.UNSPECIFIED);
      validateIdentifierFieldsSet(request.id);
      const { resourceType, project, domain, name, version } = request.id;
      return descriptionEntityFromRow(await descriptionEntities.get({ resourceType, project, domain, name, version }));
    },

    async listDescriptionEntities(request) {
      const id = request.id;
      if (id === undefined) throw missingArgument("id");
      requireNonEmpty(id.project, "project");
      requireNonEmpty(id.domain, "domain");
      // flyteadmin's validator requires the name, so the name-less REST binding always fails here.
      requireNonEmpty(id.name, "name");
      requireLimit(request.limit);
      const baseFilters = identifierFilters(Entity.DescriptionEntity, id);
      if (request.resourceType !== ResourceType.UNSPECIFIED) {
        baseFilters.push(
          fieldFilter({
            entity: Entity.DescriptionEntity,
            fn: "eq",
            field: "resource_type",
            value: request.resourceType,
          }),
        );
      }
      // flyteadmin's message names ListWorkflows here (a copy-paste its clients have seen for years).
      const input = listInputFrom(request, {
        entity: Entity.DescriptionEntity,
        listName: "ListWorkflows",
        baseFilters,
      });
      const rows = await descriptionEntities.list(input);
      return create(DescriptionEntityListSchema, {
        descriptionEntities: rows.map(descriptionEntityFromRow),
        token: pageTokenAfter(input, rows.length),
      });
    },
  };
}
