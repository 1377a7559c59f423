/**
 * Matchable attributes at project, project-domain and workflow level (flyteadmin
 * `resources/resource_manager.go`). Writes upsert one row per (level, type) with the level's priority; PLUGIN_OVERRIDE
 * writes merge with the stored overrides by task type. Reads return the most specific row, so a workflow without
 * its own row gets the project-domain one, as flyteadmin's clients expect.
 */
import { AloftError, Code } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  ListMatchableAttributesResponseSchema,
  MatchableResource,
  type MatchingAttributes,
  MatchingAttributesSchema,
  type WorkflowExecutionConfig,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import {
  ProjectAttributesDeleteResponseSchema,
  ProjectAttributesGetResponseSchema,
  ProjectAttributesSchema,
  ProjectAttributesUpdateResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/project_attributes_pb";
import {
  ProjectDomainAttributesDeleteResponseSchema,
  ProjectDomainAttributesGetResponseSchema,
  ProjectDomainAttributesUpdateResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/project_domain_attributes_pb";
import {
  WorkflowAttributesDeleteResponseSchema,
  WorkflowAttributesGetResponseSchema,
  WorkflowAttributesUpdateResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/workflow_attributes_pb";
import type { AdminConfig, DomainConfig } from "../config/admin-config.js";
import type { Repositories } from "../repositories/create-repositories.js";
import type { ResourceId, ResourceInput } from "../repositories/resource-repo.js";
import {
  matchableAttributesConfigurationFromRow,
  matchingAttributesFromRow,
  mergePluginOverrides,
  projectAttributesFromRow,
  projectAttributesToResource,
  projectDomainAttributesFromRow,
  projectDomainAttributesToResource,
  resourceTypeName,
  workflowAttributesFromRow,
  workflowAttributesToResource,
} from "../transformers/resource-transformer.js";
import { matchableResourceOf, validateListMatchableAttributesRequest } from "../validation/attributes-validation.js";
import { encodeColumn } from "../transformers/proto-bytes.js";
import { missingArgument, requireNonEmpty } from "../validation/field-validation.js";
import {
  assertProjectActive,
  assertProjectDomainActive,
  assertProjectExists,
} from "../validation/project-domain-gate.js";
import type { AttributesManager } from "./interfaces.js";
import { applicationWorkflowExecutionConfig, mergeIntoExecConfig } from "./resolve-attributes.js";

/** What {@link createAttributesManager} needs. */
export interface AttributesManagerDeps {
  repos: Pick<Repositories, "resources" | "projects" | "withTransaction">;
  /** `config.domains`, for the project-domain gate. */
  domains: readonly DomainConfig[];
  /** `config.application`: the defaults GetProjectAttributes merges into WORKFLOW_EXECUTION_CONFIG. */
  application: AdminConfig["application"];
}

/** The {@link AttributesManager}. */
export function createAttributesManager(deps: AttributesManagerDeps): AttributesManager {
  const { repos } = deps;
  const gate = { projects: repos.projects, domains: deps.domains };

  /** Upserts `input`; PLUGIN_OVERRIDE merges `incoming` with the stored row of the same id (in one transaction). */
  const upsert = async (
    input: ResourceInput,
    incoming: MatchingAttributes | undefined,
    resource: MatchableResource,
  ): Promise<void> => {
    if (resource !== MatchableResource.PLUGIN_OVERRIDE) {
      await repos.resources.createOrUpdate(input);
      return;
    }
    await repos.withTransaction(async (tx) => {
      const existing = await tx.resources.findExact(input);
      if (existing === undefined) {
        await tx.resources.createOrUpdate(input);
        return;
      }
      const merged = mergePluginOverrides(
        matchingAttributesFromRow(existing),
        incoming ?? create(MatchingAttributesSchema),
      );
      await tx.resources.createOrUpdate({ ...input, attributes: encodeColumn(MatchingAttributesSchema, merged) });
    });
  };

  const resourceId = (id: Partial<ResourceId> & { project: string; resourceType: string }): ResourceId => ({
    domain: "",
    workflow: "",
    launchPlan: "",
    ...id,
  });

  return {
    async updateProjectDomainAttributes(request) {
      const attributes = request.attributes;
      if (attributes === undefined) throw missingArgument("attributes");
      await assertProjectDomainActive(gate, attributes.project, attributes.domain);
      const resource = matchableResourceOf(attributes.matchingAttributes, `${attributes.project}-${attributes.domain}`);
      await upsert(projectDomainAttributesToResource(attributes, resource), attributes.matchingAttributes, resource);
      return create(ProjectDomainAttributesUpdateResponseSchema);
    },

    async getProjectDomainAttributes(request) {
      await assertProjectDomainActive(gate, request.project, request.domain);
      const row = await repos.resources.get(
        resourceId({
          project: request.project,
          domain: request.domain,
          resourceType: resourceTypeName(request.resourceType),
        }),
      );
      return create(ProjectDomainAttributesGetResponseSchema, { attributes: projectDomainAttributesFromRow(row) });
    },

    async deleteProjectDomainAttributes(request) {
      await assertProjectDomainActive(gate, request.project, request.domain);
      await repos.resources.delete(
        resourceId({
          project: request.project,
          domain: request.domain,
          resourceType: resourceTypeName(request.resourceType),
        }),
      );
      return create(ProjectDomainAttributesDeleteResponseSchema);
    },

    async updateProjectAttributes(request) {
      const attributes = request.attributes;
      if (attributes === undefined) throw missingArgument("attributes");
      await assertProjectActive(repos.projects, attributes.project);
      const resource = matchableResourceOf(attributes.matchingAttributes, attributes.project);
      await upsert(projectAttributesToResource(attributes, resource), attributes.matchingAttributes, resource);
      return create(ProjectAttributesUpdateResponseSchema);
    },

    async getProjectAttributes(request) {
      await assertProjectExists(repos.projects, request.project);
      const isExecutionConfig = request.resourceType === MatchableResource.WORKFLOW_EXECUTION_CONFIG;
      let row;
      try {
        row = await repos.resources.getProjectLevel({
          project: request.project,
          resourceType: resourceTypeName(request.resourceType),
        });
      } catch (error) {
        if (!(isExecutionConfig && error instanceof AloftError && error.code === Code.NotFound)) throw error;
        // No project row: the platform defaults stand in for it (flyteadmin's settings stopgap).
        return projectAttributesResponse(request.project, applicationWorkflowExecutionConfig(deps.application));
      }
      const attributes = projectAttributesFromRow(row);
      attributes.project = request.project;
      const target = attributes.matchingAttributes?.target;
      if (target?.case === "workflowExecutionConfig") {
        const merged = mergeIntoExecConfig(target.value, applicationWorkflowExecutionConfig(deps.application));
        return projectAttributesResponse(request.project, merged);
      }
      return create(ProjectAttributesGetResponseSchema, { attributes });
    },

    async deleteProjectAttributes(request) {
      await assertProjectActive(repos.projects, request.project);
      await repos.resources.delete(
        resourceId({ project: request.project, resourceType: resourceTypeName(request.resourceType) }),
      );
      return create(ProjectAttributesDeleteResponseSchema);
    },

    async updateWorkflowAttributes(request) {
      const attributes = request.attributes;
      if (attributes === undefined) throw missingArgument("attributes");
      await assertProjectDomainActive(gate, attributes.project, attributes.domain);
      requireNonEmpty(attributes.workflow, "name");
      const resource = matchableResourceOf(
        attributes.matchingAttributes,
        `${attributes.project}-${attributes.domain}-${attributes.workflow}`,
      );
      await upsert(workflowAttributesToResource(attributes, resource), attributes.matchingAttributes, resource);
      return create(WorkflowAttributesUpdateResponseSchema);
    },

    async getWorkflowAttributes(request) {
      await assertProjectDomainActive(gate, request.project, request.domain);
      requireNonEmpty(request.workflow, "name");
      const row = await repos.resources.get(
        resourceId({
          project: request.project,
          domain: request.domain,
          workflow: request.workflow,
          resourceType: resourceTypeName(request.resourceType),
        }),
      );
      return create(WorkflowAttributesGetResponseSchema, { attributes: workflowAttributesFromRow(row) });
    },

    async deleteWorkflowAttributes(request) {
      await assertProjectDomainActive(gate, request.project, request.domain);
      requireNonEmpty(request.workflow, "name");
      await repos.resources.delete(
        resourceId({
          project: request.project,
          domain: request.domain,
          workflow: request.workflow,
          resourceType: resourceTypeName(request.resourceType),
        }),
      );
      return create(WorkflowAttributesDeleteResponseSchema);
    },

    async listMatchableAttributes(request) {
      validateListMatchableAttributesRequest(request);
      const rows = await repos.resources.listAll(resourceTypeName(request.resourceType));
      return create(ListMatchableAttributesResponseSchema, {
        configurations: rows.map(matchableAttributesConfigurationFromRow),
      });
    },
  };
}

function projectAttributesResponse(project: string, config: WorkflowExecutionConfig) {
  return create(ProjectAttributesGetResponseSchema, {
    attributes: create(ProjectAttributesSchema, {
      project,
      matchingAttributes: { target: { case: "workflowExecutionConfig", value: config } },
    }),
  });
}
