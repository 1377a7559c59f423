import type { Client } from "@connectrpc/connect";
import type { MatchingAttributes } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { CliError } from "../../cli-error.js";
import { callAdmin } from "../admin-session.js";
import type { AttributeScope } from "./attribute-file.js";
import type { AttributeKind } from "./attribute-kinds.js";
import { attributeMessage } from "./attribute-messages.js";

type Admin = Client<typeof AdminService>;

/**
 * Checks a scope as flytectl does before any call: a project is needed, and a workflow needs a domain.
 *
 * @throws CliError (usage) otherwise.
 */
export function checkScope(scope: AttributeScope, command: string): void {
  if (scope.project === "") {
    throw CliError.usage(`${command} needs a project: -p <project>, or project in the attribute file`);
  }
  if (scope.workflow !== "" && scope.domain === "") {
    throw CliError.usage(`${command} needs a domain for workflow ${scope.workflow}: -d <domain>`);
  }
}

/** `project p`, `project p, domain d` or `project p, domain d, workflow w`, for messages. */
export function describeScope(scope: AttributeScope): string {
  let text = `project ${scope.project}`;
  if (scope.domain !== "") text += `, domain ${scope.domain}`;
  if (scope.workflow !== "") text += `, workflow ${scope.workflow}`;
  return text;
}

/**
 * The attributes of `kind` set at exactly `scope` (flytectl/cmd/get/matchable_attribute_util.go): the workflow's,
 * else the project and domain's, else the project's.
 *
 * @throws CliError with admin's NotFound (see `isNotFound`) when none are set there.
 */
export async function fetchAttributes(
  admin: Admin,
  kind: AttributeKind,
  scope: AttributeScope,
): Promise<MatchingAttributes | undefined> {
  const doing = `get the ${kind.title} of ${describeScope(scope)}`;
  const resourceType = attributeMessage(kind).resource;
  const { project, domain, workflow } = scope;
  if (workflow !== "") {
    const response = await callAdmin(doing, () =>
      admin.getWorkflowAttributes({ project, domain, workflow, resourceType }),
    );
    return response.attributes?.matchingAttributes;
  }
  if (domain !== "") {
    const response = await callAdmin(doing, () => admin.getProjectDomainAttributes({ project, domain, resourceType }));
    return response.attributes?.matchingAttributes;
  }
  const response = await callAdmin(doing, () => admin.getProjectAttributes({ project, resourceType }));
  return response.attributes?.matchingAttributes;
}

/** Replaces the attributes set at `scope` (a full overwrite, except that admin merges plugin overrides). */
export async function storeAttributes(
  admin: Admin,
  kind: AttributeKind,
  scope: AttributeScope,
  matchingAttributes: MatchingAttributes,
): Promise<void> {
  const doing = `update the ${kind.title} of ${describeScope(scope)}`;
  const { project, domain, workflow } = scope;
  if (workflow !== "") {
    await callAdmin(doing, () =>
      admin.updateWorkflowAttributes({ attributes: { project, domain, workflow, matchingAttributes } }),
    );
  } else if (domain !== "") {
    await callAdmin(doing, () =>
      admin.updateProjectDomainAttributes({ attributes: { project, domain, matchingAttributes } }),
    );
  } else {
    await callAdmin(doing, () => admin.updateProjectAttributes({ attributes: { project, matchingAttributes } }));
  }
}

/** Deletes the attributes of `kind` set at `scope` (nothing happens when there are none). */
export async function removeAttributes(admin: Admin, kind: AttributeKind, scope: AttributeScope): Promise<void> {
  const doing = `delete the ${kind.title} of ${describeScope(scope)}`;
  const resourceType = attributeMessage(kind).resource;
  const { project, domain, workflow } = scope;
  if (workflow !== "") {
    await callAdmin(doing, () => admin.deleteWorkflowAttributes({ project, domain, workflow, resourceType }));
  } else if (domain !== "") {
    await callAdmin(doing, () => admin.deleteProjectDomainAttributes({ project, domain, resourceType }));
  } else {
    await callAdmin(doing, () => admin.deleteProjectAttributes({ project, resourceType }));
  }
}
