/**
 * Matchable attribute request checks (flyteadmin `attributes_validator.go`) that need no database; the
 * project(-domain) gates run in the manager.
 */
import { AloftError } from "@aloft/idl";
import {
  MatchableResource,
  type MatchingAttributes,
  type ListMatchableAttributesRequest,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { invalidArgumentFor, missingArgument } from "./field-validation.js";

const RESOURCE_BY_CASE: Readonly<
  Partial<Record<NonNullable<MatchingAttributes["target"]["case"]>, MatchableResource>>
> = {
  taskResourceAttributes: MatchableResource.TASK_RESOURCE,
  clusterResourceAttributes: MatchableResource.CLUSTER_RESOURCE,
  executionQueueAttributes: MatchableResource.EXECUTION_QUEUE,
  executionClusterLabel: MatchableResource.EXECUTION_CLUSTER_LABEL,
  pluginOverrides: MatchableResource.PLUGIN_OVERRIDE,
  workflowExecutionConfig: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
  clusterAssignment: MatchableResource.CLUSTER_ASSIGNMENT,
  // QUALITY_OF_SERVICE_SPECIFICATION cannot be written through these APIs, as in flyteadmin.
};

/**
 * The matchable resource type `attributes` set (`validateMatchingAttributes`).
 *
 * @param identifier how the message names the request: `p`, `p-d` or `p-d-w`.
 * @throws AloftError InvalidArgument "missing matching_attributes", or "Unrecognized matching attributes type for
 *   request <identifier>" (also for quality of service).
 */
export function matchableResourceOf(attributes: MatchingAttributes | undefined, identifier: string): MatchableResource {
  if (attributes === undefined) throw missingArgument("matching_attributes");
  const resource = attributes.target.case === undefined ? undefined : RESOURCE_BY_CASE[attributes.target.case];
  if (resource === undefined) {
    throw AloftError.invalidArgument(`Unrecognized matching attributes type for request ${identifier}`);
  }
  return resource;
}

/**
 * ListMatchableAttributes: `resource_type` is a known `MatchableResource`.
 * @throws AloftError InvalidArgument "invalid value for resource_type".
 */
export function validateListMatchableAttributesRequest(request: ListMatchableAttributesRequest): void {
  if (MatchableResource[request.resourceType] === undefined) throw invalidArgumentFor("resource_type");
}
