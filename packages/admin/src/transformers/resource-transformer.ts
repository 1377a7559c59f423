import { create } from "@bufbuild/protobuf";
import {
  type MatchableAttributesConfiguration,
  MatchableAttributesConfigurationSchema,
  MatchableResource,
  type MatchingAttributes,
  MatchingAttributesSchema,
  type PluginOverride,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { type ProjectAttributes, ProjectAttributesSchema } from "@aloft/idl/gen/flyteidl/admin/project_attributes_pb";
import {
  type ProjectDomainAttributes,
  ProjectDomainAttributesSchema,
} from "@aloft/idl/gen/flyteidl/admin/project_domain_attributes_pb";
import {
  type WorkflowAttributes,
  WorkflowAttributesSchema,
} from "@aloft/idl/gen/flyteidl/admin/workflow_attributes_pb";
import type { ResourceRow } from "../db/schema.js";
import { type ResourceInput, ResourcePriority } from "../repositories/resource-repo.js";
import { decodeColumn, encodeColumn } from "./proto-bytes.js";

/** The `resource_type` column value of a `MatchableResource` (its enum name, as flyteadmin stores it). */
export function resourceTypeName(resource: MatchableResource): string {
  return MatchableResource[resource] ?? String(resource);
}

/** Project-level attributes → a `resources` row input (priority 5). */
export function projectAttributesToResource(attributes: ProjectAttributes, resource: MatchableResource): ResourceInput {
  return {
    project: attributes.project,
    domain: "",
    workflow: "",
    launchPlan: "",
    resourceType: resourceTypeName(resource),
    priority: ResourcePriority.Project,
    attributes: encodeColumn(
      MatchingAttributesSchema,
      attributes.matchingAttributes ?? create(MatchingAttributesSchema),
    ),
  };
}

/** Project-domain attributes → a `resources` row input (priority 10). */
export function projectDomainAttributesToResource(
  attributes: ProjectDomainAttributes,
  resource: MatchableResource,
): ResourceInput {
  return {
    project: attributes.project,
    domain: attributes.domain,
    workflow: "",
    launchPlan: "",
    resourceType: resourceTypeName(resource),
    priority: ResourcePriority.ProjectDomain,
    attributes: encodeColumn(
      MatchingAttributesSchema,
      attributes.matchingAttributes ?? create(MatchingAttributesSchema),
    ),
  };
}

/** Workflow attributes → a `resources` row input (priority 100). */
export function workflowAttributesToResource(
  attributes: WorkflowAttributes,
  resource: MatchableResource,
): ResourceInput {
  return {
    project: attributes.project,
    domain: attributes.domain,
    workflow: attributes.workflow,
    launchPlan: "",
    resourceType: resourceTypeName(resource),
    priority: ResourcePriority.Workflow,
    attributes: encodeColumn(
      MatchingAttributesSchema,
      attributes.matchingAttributes ?? create(MatchingAttributesSchema),
    ),
  };
}

/** The stored `MatchingAttributes` of a row. */
export function matchingAttributesFromRow(row: ResourceRow): MatchingAttributes {
  return decodeColumn(MatchingAttributesSchema, row.attributes, "resource attributes");
}

/** A row → `admin.ProjectAttributes`. */
export function projectAttributesFromRow(row: ResourceRow): ProjectAttributes {
  return create(ProjectAttributesSchema, { project: row.project, matchingAttributes: matchingAttributesFromRow(row) });
}

/** A row → `admin.ProjectDomainAttributes`. */
export function projectDomainAttributesFromRow(row: ResourceRow): ProjectDomainAttributes {
  return create(ProjectDomainAttributesSchema, {
    project: row.project,
    domain: row.domain,
    matchingAttributes: matchingAttributesFromRow(row),
  });
}

/** A row → `admin.WorkflowAttributes` (a project-domain row yields `workflow: ""`, as flyteadmin). */
export function workflowAttributesFromRow(row: ResourceRow): WorkflowAttributes {
  return create(WorkflowAttributesSchema, {
    project: row.project,
    domain: row.domain,
    workflow: row.workflow,
    matchingAttributes: matchingAttributesFromRow(row),
  });
}

/** A row → `admin.MatchableAttributesConfiguration` (ListMatchableAttributes). */
export function matchableAttributesConfigurationFromRow(row: ResourceRow): MatchableAttributesConfiguration {
  return create(MatchableAttributesConfigurationSchema, {
    attributes: matchingAttributesFromRow(row),
    project: row.project,
    domain: row.domain,
    workflow: row.workflow,
    launchPlan: row.launch_plan,
  });
}

/**
 * PLUGIN_OVERRIDE updates merge by task type: overrides in `incoming` replace those of the same task
 * type in `existing`, the others are kept (existing order first, new task types appended).
 */
export function mergePluginOverrides(existing: MatchingAttributes, incoming: MatchingAttributes): MatchingAttributes {
  const byTaskType = new Map<string, PluginOverride>();
  const collect = (attributes: MatchingAttributes): void => {
    if (attributes.target.case !== "pluginOverrides") return;
    for (const override of attributes.target.value.overrides) byTaskType.set(override.taskType, override);
  };
  collect(existing);
  collect(incoming);
  return create(MatchingAttributesSchema, {
    target: { case: "pluginOverrides", value: { overrides: [...byTaskType.values()] } },
  });
}
