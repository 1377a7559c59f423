/**
 * The project (and domain) gate in front of every write that belongs to a project: registering tasks,
 * workflows and launch plans, creating executions and writing matchable attributes (flyteadmin
 * `ValidateProjectAndDomain`, `ValidateProjectForUpdate`, `ValidateProjectExists`).
 */
import { AloftError } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { InactiveProjectSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { Project_ProjectState } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import type { ProjectRow } from "../db/schema.js";
import type { ProjectRepo } from "../repositories/project-repo.js";

/** What the gate reads: the projects table and the configured domains. */
export interface ProjectDomainGateDeps {
  projects: Pick<ProjectRepo, "find">;
  /** The system-wide domains (`config.domains`); only their ids matter. */
  domains: readonly { id: string }[];
}

/**
 * INVALID_ARGUMENT "project [p] is not active" with the typed `InactiveProject{id}` detail, which the
 * scheduler and clients branch on.
 */
export function inactiveProjectError(project: string): AloftError {
  return AloftError.invalidArgument(`project [${project}] is not active`, {
    details: [create(InactiveProjectSchema, { id: project })],
  });
}

/**
 * Requires `project` to exist and be exactly ACTIVE, and `domain` to be one of the configured domains.
 *
 * @throws AloftError InvalidArgument "failed to validate that project [p] and domain [d] are registered, err:
 *   [project [p] not found]" when the project does not exist; "project [p] is not active" with an
 *   `InactiveProject` detail when it is archived (or system generated); "domain [d] is unrecognized by
 *   system" for an unknown domain.
 */
export async function assertProjectDomainActive(
  deps: ProjectDomainGateDeps,
  project: string,
  domain: string,
): Promise<ProjectRow> {
  const row = await deps.projects.find(project);
  if (row === undefined) {
    throw AloftError.invalidArgument(
      `failed to validate that project [${project}] and domain [${domain}] are registered, err: [project [${project}] not found]`,
    );
  }
  if (row.state !== Project_ProjectState.ACTIVE) throw inactiveProjectError(project);
  if (!deps.domains.some((configured) => configured.id === domain)) {
    throw AloftError.invalidArgument(`domain [${domain}] is unrecognized by system`);
  }
  return row;
}

/**
 * Requires `project` to exist and be ACTIVE (project-level attribute writes; no domain involved).
 *
 * @throws AloftError InvalidArgument "failed to validate that project [p] is registered, err: [project [p] not
 *   found]", or "project [p] is not active" (without a detail, as flyteadmin).
 */
export async function assertProjectActive(projects: Pick<ProjectRepo, "find">, project: string): Promise<ProjectRow> {
  const row = await projects.find(project);
  if (row === undefined) {
    throw AloftError.invalidArgument(
      `failed to validate that project [${project}] is registered, err: [project [${project}] not found]`,
    );
  }
  if (row.state !== Project_ProjectState.ACTIVE) {
    throw AloftError.invalidArgument(`project [${project}] is not active`);
  }
  return row;
}

/**
 * Requires `project` to exist in any state (reading project attributes works for archived projects too).
 *
 * @throws AloftError InvalidArgument "failed to validate that project [p] exists, err: [project [p] not found]".
 */
export async function assertProjectExists(projects: Pick<ProjectRepo, "find">, project: string): Promise<ProjectRow> {
  const row = await projects.find(project);
  if (row === undefined) {
    throw AloftError.invalidArgument(
      `failed to validate that project [${project}] exists, err: [project [${project}] not found]`,
    );
  }
  return row;
}
