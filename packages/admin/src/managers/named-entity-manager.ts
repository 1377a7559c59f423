/**
 * Named entities: the name-level view of tasks, workflows and launch plans, with a description and an
 * archive state (flyteadmin `named_entity_manager.go`).
 */
import { AloftError } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  NamedEntityListSchema,
  NamedEntityState,
  NamedEntityUpdateResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { namedEntityFromRecord } from "../transformers/named-entity-transformer.js";
import { missingArgument, requireLimit, requireNonEmpty } from "../validation/field-validation.js";
import { validateNamedEntityIdentifier, validateResourceType } from "../validation/identifier-validation.js";
import { listInputFrom, pageTokenAfter } from "../validation/list-input.js";
import type { NamedEntityManager } from "./interfaces.js";

/** Only these may leave the ACTIVE state (flyteadmin's `archivableResourceTypes`). */
const ARCHIVABLE: ReadonlySet<ResourceType> = new Set([
  ResourceType.TASK,
  ResourceType.WORKFLOW,
  ResourceType.LAUNCH_PLAN,
]);

/** What {@link createNamedEntityManager} needs. */
export interface NamedEntityManagerDeps {
  repos: Pick<Repositories, "namedEntities">;
}

/** The {@link NamedEntityManager}. */
export function createNamedEntityManager(deps: NamedEntityManagerDeps): NamedEntityManager {
  const { namedEntities } = deps.repos;

  return {
    async listNamedEntities(request) {
      requireNonEmpty(request.project, "project");
      requireNonEmpty(request.domain, "domain");
      validateResourceType(request.resourceType);
      requireLimit(request.limit);
      // With no filters at all the repository hides `.flytegen` system entities, as flyteadmin does; `state`
      // filters compare COALESCE(state, 0) because names without a metadata row are ACTIVE.
      const input = listInputFrom(request, { entity: Entity.NamedEntity, listName: "ListNamedEntities" });
      const records = await namedEntities.list({
        ...input,
        resourceType: request.resourceType,
        project: request.project,
        domain: request.domain,
      });
      return create(NamedEntityListSchema, {
        entities: records.map(namedEntityFromRecord),
        token: pageTokenAfter(input, records.length),
      });
    },

    async getNamedEntity(request) {
      validateResourceType(request.resourceType);
      validateNamedEntityIdentifier(request.id);
      const { project, domain, name } = request.id;
      return namedEntityFromRecord(
        await namedEntities.get({ resourceType: request.resourceType, project, domain, name }),
      );
    },

    async updateNamedEntity(request) {
      validateResourceType(request.resourceType);
      validateNamedEntityIdentifier(request.id);
      const metadata = request.metadata;
      if (metadata === undefined) throw missingArgument("metadata");
      if (metadata.state !== NamedEntityState.NAMED_ENTITY_ACTIVE && !ARCHIVABLE.has(request.resourceType)) {
        throw AloftError.invalidArgument(
          `Resource [${ResourceType[request.resourceType] ?? request.resourceType}] cannot have its state updated`,
        );
      }
      const id = { resourceType: request.resourceType, ...pick(request.id) };
      // The entity must exist before its metadata is written.
      await namedEntities.get(id);
      await namedEntities.update(id, { description: metadata.description, state: metadata.state });
      return create(NamedEntityUpdateResponseSchema);
    },
  };
}

function pick(id: { project: string; domain: string; name: string }) {
  return { project: id.project, domain: id.domain, name: id.name };
}
