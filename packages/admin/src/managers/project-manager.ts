/**
 * Projects and domains (flyteadmin `project_manager.go`).
 */
import { create } from "@bufbuild/protobuf";
import {
  type Domain,
  DomainSchema,
  GetDomainsResponseSchema,
  ProjectRegisterResponseSchema,
  ProjectsSchema,
  ProjectUpdateResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/project_pb";
import type { DomainConfig } from "../config/admin-config.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import type { ProjectRepo } from "../repositories/project-repo.js";
import { projectFromRow, projectToChanges, projectToRow } from "../transformers/project-transformer.js";
import { listInputFrom } from "../validation/list-input.js";
import {
  validateProject,
  validateProjectGetRequest,
  validateProjectRegisterRequest,
} from "../validation/project-validation.js";
import type { ProjectManager } from "./interfaces.js";

/** What {@link createProjectManager} needs. */
export interface ProjectManagerDeps {
  projects: ProjectRepo;
  /** The system-wide domains (`config.domains`), attached to every project returned. */
  domains: readonly DomainConfig[];
}

/** The {@link ProjectManager}. */
export function createProjectManager(deps: ProjectManagerDeps): ProjectManager {
  const { projects } = deps;
  const domains: readonly Domain[] = deps.domains.map((domain) =>
    create(DomainSchema, { id: domain.id, name: domain.name }),
  );

  return {
    async registerProject(request) {
      validateProjectRegisterRequest(request);
      await projects.create(projectToRow(request.project));
      return create(ProjectRegisterResponseSchema);
    },

    async updateProject(request) {
      // flyteadmin looks the project up before validating, so an unknown id is NOT_FOUND even when invalid.
      await projects.get(request.id);
      validateProject(request);
      await projects.update(request.id, projectToChanges(request));
      return create(ProjectUpdateResponseSchema);
    },

    async getProject(request) {
      validateProjectGetRequest(request);
      return projectFromRow(await projects.get(request.id), domains);
    },

    async listProjects(request) {
      const input = listInputFrom(request, { entity: Entity.Project, listName: "ListProjects" });
      const rows = await projects.list(input);
      return create(ProjectsSchema, {
        projects: rows.map((row) => projectFromRow(row, domains)),
        // Unlike other lists, limit 0 means "all": then there is never a next page.
        token: input.limit > 0 && rows.length === input.limit ? String(input.offset + rows.length) : "",
      });
    },

    async getDomains() {
      return create(GetDomainsResponseSchema, { domains: [...domains] });
    },
  };
}
