/**
 * Project request checks (flyteadmin `project_validator.go`).
 */
import { AloftError } from "@aloft/idl";
import type { Project, ProjectGetRequest, ProjectRegisterRequest } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { missingArgument, requireMaxLength, requireNonEmpty } from "./field-validation.js";
import { dns1123LabelErrors, goStringList } from "./k8s-names.js";
import { validateLabels } from "./label-validation.js";

const MAX_NAME_LENGTH = 64;
const MAX_DESCRIPTION_LENGTH = 300;

/**
 * RegisterProject: a project with a name, valid as {@link validateProject}.
 * @throws AloftError InvalidArgument "missing project", "missing project_name", or {@link validateProject}'s.
 */
export function validateProjectRegisterRequest(
  request: ProjectRegisterRequest,
): asserts request is ProjectRegisterRequest & { project: Project } {
  if (request.project === undefined) throw missingArgument("project");
  requireNonEmpty(request.project.name, "project_name");
  validateProject(request.project);
}

/**
 * A project as RegisterProject and UpdateProject accept it: a DNS-1123 label id, valid labels, a name of at
 * most 64 and a description of at most 300 characters, and no domains (they are system wide).
 *
 * @throws AloftError InvalidArgument "missing project_id", a label message, "invalid project id [x]: [...]",
 *   "project_name cannot exceed 64 characters", "project_description cannot exceed 300 characters", or
 *   "Domains are currently only set system wide. Please retry without domains included in your request."
 */
export function validateProject(project: Project): void {
  requireNonEmpty(project.id, "project_id");
  validateLabels(project.labels);
  const idErrors = dns1123LabelErrors(project.id);
  if (idErrors.length > 0) {
    throw AloftError.invalidArgument(`invalid project id [${project.id}]: ${goStringList(idErrors)}`);
  }
  requireMaxLength(project.name, "project_name", MAX_NAME_LENGTH);
  requireMaxLength(project.description, "project_description", MAX_DESCRIPTION_LENGTH);
  if (project.domains.length > 0) {
    throw AloftError.invalidArgument(
      "Domains are currently only set system wide. Please retry without domains included in your request.",
    );
  }
}

/** GetProject. @throws AloftError InvalidArgument "missing project_id". */
export function validateProjectGetRequest(request: ProjectGetRequest): void {
  requireNonEmpty(request.id, "project_id");
}
