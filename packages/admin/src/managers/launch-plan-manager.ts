/**
 * Launch plans (flyteadmin `launch_plan_manager.go`) and their schedules: launch plans are created INACTIVE;
 * activating a version deactivates the previously active one and moves the schedule (the
 * `schedulable_entities` rows the scheduler reads) in one transaction.
 */
import { AloftError } from "@aloft/idl";
import { clone, create } from "@bufbuild/protobuf";
import { NamedEntityIdentifierListSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  LaunchPlanCreateResponseSchema,
  LaunchPlanListSchema,
  LaunchPlanSchema,
  type LaunchPlanSpec,
  LaunchPlanSpecSchema,
  LaunchPlanState,
  LaunchPlanUpdateResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type TypedInterface, TypedInterfaceSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { DomainConfig } from "../config/admin-config.js";
import type { LaunchPlanRow } from "../db/schema.js";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { fieldFilter, identifierFilters } from "../repositories/filters/filter-expression.js";
import type { EntityKey } from "../repositories/keys.js";
import { LAUNCH_PLAN_ACTIVE, LAUNCH_PLAN_INACTIVE } from "../repositories/launch-plan-repo.js";
import { entityKeyFromId, namedEntityKeyToId } from "../transformers/identifier-transformer.js";
import { launchPlanFromRow, launchPlanToRow } from "../transformers/launch-plan-transformer.js";
import { decodeColumn, decodeOptionalColumn } from "../transformers/proto-bytes.js";
import { schedulableEntityToRow } from "../transformers/schedulable-entity-transformer.js";
import { requireLimit, requireNonEmpty } from "../validation/field-validation.js";
import {
  identifierText,
  validateIdentifier,
  validateResourceListRequest,
} from "../validation/identifier-validation.js";
import {
  launchPlanExpectations,
  validateLaunchPlanIdentifier,
  validateLaunchPlanMetadata,
  validateLaunchPlanSpec,
} from "../validation/launch-plan-validation.js";
import { listInputFrom, pageTokenAfter } from "../validation/list-input.js";
import { assertProjectDomainActive } from "../validation/project-domain-gate.js";
import { digestsEqual, launchPlanDigest } from "./digest.js";
import type { LaunchPlanManager } from "./interfaces.js";
import { differentStructureMessage } from "./registration-diff.js";

/** What {@link createLaunchPlanManager} needs. */
export interface LaunchPlanManagerDeps {
  /** Launch plans, workflows, projects and schedulable entities, with transactions for activation. */
  repos: Repositories;
  /** `config.domains`, for the project-domain gate. */
  domains: readonly DomainConfig[];
  /** `config.application.featureGates.enableArtifacts`: default inputs may be artifact queries. @default false */
  enableArtifacts?: boolean;
}

/** The {@link LaunchPlanManager}. */
export function createLaunchPlanManager(deps: LaunchPlanManagerDeps): LaunchPlanManager {
  const { repos } = deps;
  const allowArtifacts = deps.enableArtifacts ?? false;

  return {
    async createLaunchPlan(request) {
      // flyteadmin resolves the workflow before anything else.
      validateIdentifier(request.spec?.workflowId, ResourceType.WORKFLOW);
      const workflowRow = await repos.workflows.get(entityKeyFromId(request.spec?.workflowId));
      const workflowInterface: TypedInterface =
        decodeOptionalColumn(TypedInterfaceSchema, workflowRow.typed_interface, "workflow inputs") ??
        create(TypedInterfaceSchema);

      validateLaunchPlanIdentifier(request);
      const id = request.id;
      await assertProjectDomainActive({ projects: repos.projects, domains: deps.domains }, id.project, id.domain);
      validateLaunchPlanSpec(request, workflowInterface, allowArtifacts);
      const expectations = launchPlanExpectations(request.spec, workflowInterface, allowArtifacts);
      validateLaunchPlanMetadata(request.spec);

      const spec = clone(LaunchPlanSpecSchema, request.spec);
      spec.defaultInputs = expectations.expectedInputs;
      const launchPlan = create(LaunchPlanSchema, {
        id,
        spec,
        closure: { expectedInputs: expectations.expectedInputs, expectedOutputs: expectations.expectedOutputs },
      });
      const digest = launchPlanDigest(launchPlan);

      const existing = await repos.launchPlans.find(entityKeyFromId(id));
      if (existing !== undefined) {
        if (digestsEqual(existing.digest, digest)) {
          throw AloftError.alreadyExists("launch plan with identical structure already exists");
        }
        throw AloftError.invalidArgument(
          differentStructureMessage(
            `${id.name} launch plan with different structure already exists. (Please register a new version of the launch plan):\n`,
            LaunchPlanSpecSchema,
            launchPlanFromRow(existing).spec,
            spec,
          ),
        );
      }
      await repos.launchPlans.create(
        launchPlanToRow({ launchPlan, workflowRowId: workflowRow.id, digest, state: LAUNCH_PLAN_INACTIVE }),
      );
      return create(LaunchPlanCreateResponseSchema);
    },

    async getLaunchPlan(request) {
      validateIdentifier(request.id, ResourceType.LAUNCH_PLAN);
      return launchPlanFromRow(await repos.launchPlans.get(entityKeyFromId(request.id)));
    },

    async getActiveLaunchPlan(request) {
      const id = request.id;
      requireNonEmpty(id?.project, "project");
      requireNonEmpty(id?.domain, "domain");
      requireNonEmpty(id?.name, "name");
      const row = await repos.launchPlans.findActive({ project: id!.project, domain: id!.domain, name: id!.name });
      if (row === undefined) {
        throw AloftError.notFound(`No active launch plan could be found: ${id!.project}:${id!.domain}:${id!.name}`);
      }
      return launchPlanFromRow(row);
    },

    async listActiveLaunchPlans(request) {
      requireNonEmpty(request.project, "project");
      requireNonEmpty(request.domain, "domain");
      requireLimit(request.limit);
      const input = listInputFrom(request, {
        entity: Entity.LaunchPlan,
        listName: "ListActiveLaunchPlans",
        baseFilters: [
          ...identifierFilters(Entity.LaunchPlan, { project: request.project, domain: request.domain }),
          fieldFilter({ entity: Entity.LaunchPlan, fn: "eq", field: "state", value: LAUNCH_PLAN_ACTIVE }),
        ],
        requestFilters: false,
      });
      const rows = await repos.launchPlans.list(input);
      return listOf(rows, pageTokenAfter(input, rows.length));
    },

    async listLaunchPlanIds(request) {
      // flyteadmin validates nothing here; the repository rejects a zero limit.
      const input = listInputFrom(request, {
        entity: Entity.LaunchPlan,
        baseFilters: identifierFilters(Entity.LaunchPlan, { project: request.project, domain: request.domain }),
        requestFilters: false,
      });
      const keys = await repos.launchPlans.listIdentifiers(input);
      return create(NamedEntityIdentifierListSchema, {
        entities: keys.map(namedEntityKeyToId),
        token: pageTokenAfter(input, keys.length),
      });
    },

    async listLaunchPlans(request) {
      validateResourceListRequest(request);
      const input = listInputFrom(request, {
        entity: Entity.LaunchPlan,
        listName: "ListLaunchPlans",
        baseFilters: identifierFilters(Entity.LaunchPlan, request.id),
      });
      const rows = await repos.launchPlans.list(input);
      return listOf(rows, pageTokenAfter(input, rows.length));
    },

    async updateLaunchPlan(request) {
      switch (request.state) {
        case LaunchPlanState.INACTIVE:
          await deactivate(request.id);
          break;
        case LaunchPlanState.ACTIVE:
          await activate(request.id);
          break;
        default:
          throw AloftError.invalidArgument(
            `Unrecognized launch plan state ${LaunchPlanState[request.state] ?? request.state} for update for launch plan [${identifierText(request.id)}]`,
          );
      }
      return create(LaunchPlanUpdateResponseSchema);
    },
  };

  async function deactivate(id: Identifier | undefined): Promise<void> {
    validateIdentifier(id, ResourceType.LAUNCH_PLAN);
    const key = entityKeyFromId(id);
    await repos.withTransaction(async (tx) => {
      const row = await tx.launchPlans.get(key);
      if (specOf(row).entityMetadata?.schedule !== undefined) await tx.schedulableEntities.deactivate(key);
      await tx.launchPlans.update(key, { state: LAUNCH_PLAN_INACTIVE });
    });
  }

  async function activate(id: Identifier | undefined): Promise<void> {
    const key = entityKeyFromId(id);
    await repos.withTransaction(async (tx) => {
      const row = await tx.launchPlans.get(key);
      const former = await tx.launchPlans.findActive(key);
      const formerKey: EntityKey | undefined = former === undefined ? undefined : keyOfRow(former);
      if (former !== undefined && formerKey !== undefined && !isScheduleEmpty(specOf(former))) {
        await tx.schedulableEntities.deactivate(formerKey);
      }
      const spec = specOf(row);
      const schedule = spec.entityMetadata?.schedule;
      if (schedule !== undefined && !isScheduleEmpty(spec)) {
        const expression = schedule.ScheduleExpression;
        if (expression.case !== "cronSchedule" && expression.case !== "rate") {
          // flyteadmin's native scheduler only runs cron_schedule and rate.
          throw AloftError.internal(
            `failed adding schedule for unknown schedule expression type ${expression.case ?? "<nil>"}`,
          );
        }
        await tx.schedulableEntities.activate(schedulableEntityToRow(keyOfRow(row), schedule));
      }
      await tx.launchPlans.setActive({
        activate: keyOfRow(row),
        ...(formerKey === undefined ? {} : { deactivate: formerKey }),
      });
    });
  }
}

function listOf(rows: readonly LaunchPlanRow[], token: string) {
  return create(LaunchPlanListSchema, { launchPlans: rows.map(launchPlanFromRow), token });
}

function specOf(row: LaunchPlanRow): LaunchPlanSpec {
  return decodeColumn(LaunchPlanSpecSchema, row.spec, "launch plan spec");
}

function keyOfRow(row: LaunchPlanRow): EntityKey {
  return { project: row.project, domain: row.domain, name: row.name, version: row.version };
}

/** flyteadmin's `isScheduleEmpty`. */
function isScheduleEmpty(spec: LaunchPlanSpec): boolean {
  const expression = spec.entityMetadata?.schedule?.ScheduleExpression;
  if (expression === undefined) return true;
  if (expression.case === "cronSchedule" && expression.value.schedule !== "") return false;
  if (expression.case === "cronExpression" && expression.value !== "") return false;
  if (expression.case === "rate" && expression.value.value !== 0) return false;
  return true;
}
