/**
 * Identifier and list-request checks shared by every manager (flyteadmin `validation.go`). Each throws
 * `AloftError` InvalidArgument with flyteadmin's message for the first problem found.
 */
import { AloftError } from "@aloft/idl";
import type { NamedEntityIdentifier } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  type Identifier,
  ResourceType,
  type WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { protoText } from "../repositories/identifier-text.js";
import { invalidArgumentFor, missingArgument, requireLimit, requireNonEmpty } from "./field-validation.js";

/** The lower-case enum name flyteadmin prints in "unexpected resource type …" messages (`task`, `unspecified`). */
function resourceTypeWord(type: ResourceType): string {
  return (ResourceType[type] ?? String(type)).toLowerCase();
}

/**
 * Go's `%+v` of a `core.Identifier` (compact prototext), as flyteadmin's messages print it:
 * `resource_type:TASK project:"p" domain:"d" name:"n" version:"v"`.
 */
export function identifierText(id: Identifier | undefined): string {
  if (id === undefined) return "<nil>";
  const rest = protoText([
    ["project", id.project],
    ["domain", id.domain],
    ["name", id.name],
    ["version", id.version],
    ["org", id.org],
  ]);
  const enumPart =
    id.resourceType === ResourceType.UNSPECIFIED
      ? ""
      : `resource_type:${ResourceType[id.resourceType] ?? String(id.resourceType)}`;
  return [enumPart, rest].filter((part) => part !== "").join(" ");
}

/**
 * `ValidateIdentifierFieldsSet`: project, domain, name and version are all set.
 * @throws AloftError InvalidArgument "missing id" / "missing project" / "missing domain" / "missing name" /
 *   "missing version".
 */
export function validateIdentifierFieldsSet(id: Identifier | undefined): asserts id is Identifier {
  if (id === undefined) throw missingArgument("id");
  requireNonEmpty(id.project, "project");
  requireNonEmpty(id.domain, "domain");
  requireNonEmpty(id.name, "name");
  requireNonEmpty(id.version, "version");
}

/**
 * `ValidateIdentifier`: `id` is of resource type `expected` and fully set.
 * @throws AloftError InvalidArgument "unexpected resource type task for identifier [...], expected workflow
 *   instead", or one of {@link validateIdentifierFieldsSet}'s messages.
 */
export function validateIdentifier(id: Identifier | undefined, expected: ResourceType): asserts id is Identifier {
  if (id === undefined) throw missingArgument("id");
  if (id.resourceType !== expected) {
    throw AloftError.invalidArgument(
      `unexpected resource type ${resourceTypeWord(id.resourceType)} for identifier [${identifierText(id)}], expected ${resourceTypeWord(expected)} instead`,
    );
  }
  validateIdentifierFieldsSet(id);
}

/** `ValidateNamedEntityIdentifier`: project, domain and name are set. */
export function validateNamedEntityIdentifier(
  id: NamedEntityIdentifier | undefined,
): asserts id is NamedEntityIdentifier {
  if (id === undefined) throw missingArgument("id");
  requireNonEmpty(id.project, "project");
  requireNonEmpty(id.domain, "domain");
  requireNonEmpty(id.name, "name");
}

/** `ValidateWorkflowExecutionIdentifier`: project, domain and name are set. */
export function validateWorkflowExecutionIdentifier(
  id: WorkflowExecutionIdentifier | undefined,
): asserts id is WorkflowExecutionIdentifier {
  if (id === undefined) throw missingArgument("id");
  requireNonEmpty(id.project, "project");
  requireNonEmpty(id.domain, "domain");
  requireNonEmpty(id.name, "name");
}

/** `ValidateResourceType`. @throws AloftError InvalidArgument "invalid value for resource_type" for UNSPECIFIED. */
export function validateResourceType(resourceType: ResourceType): void {
  if (resourceType === ResourceType.UNSPECIFIED) throw invalidArgumentFor("resource_type");
}

/** `ValidateResourceListRequest` (ListTasks, ListWorkflows, ListLaunchPlans, ListExecutions): id project, domain, limit. */
export function validateResourceListRequest(request: {
  id?: NamedEntityIdentifier | undefined;
  limit: number;
}): asserts request is { id: NamedEntityIdentifier; limit: number } {
  if (request.id === undefined) throw missingArgument("id");
  requireNonEmpty(request.id.project, "project");
  requireNonEmpty(request.id.domain, "domain");
  requireLimit(request.limit);
}

/** `ValidateNamedEntityIdentifierListRequest` (List*Ids): project, domain, limit. */
export function validateNamedEntityIdentifierListRequest(request: {
  project: string;
  domain: string;
  limit: number;
}): void {
  requireNonEmpty(request.project, "project");
  requireNonEmpty(request.domain, "domain");
  requireLimit(request.limit);
}
