import { create } from "@bufbuild/protobuf";
import { LabelsSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { type Domain, type Project, ProjectSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import type { NewProjectRow, ProjectRow } from "../db/schema.js";
import type { ProjectChanges } from "../repositories/project-repo.js";
import { decodeOptionalColumn, encodeColumn } from "./proto-bytes.js";

/** `admin.Project` → a `projects` row (labels serialized as `admin.Labels`; `domains` are never stored). */
export function projectToRow(project: Project): NewProjectRow {
  return {
    identifier: project.id,
    name: project.name,
    description: project.description,
    labels: project.labels === undefined ? null : encodeColumn(LabelsSchema, project.labels),
    state: project.state,
  };
}

/**
 * The columns UpdateProject writes, with flyteadmin's partial-update quirk: an empty name or
 * description and unset labels leave the stored values alone; the state is always written.
 */
export function projectToChanges(project: Project): ProjectChanges {
  return {
    ...(project.name === "" ? {} : { name: project.name }),
    ...(project.description === "" ? {} : { description: project.description }),
    ...(project.labels === undefined ? {} : { labels: encodeColumn(LabelsSchema, project.labels) }),
    state: project.state,
  };
}

/** A `projects` row → `admin.Project`, with the system-wide `domains` attached. */
export function projectFromRow(row: ProjectRow, domains: readonly Domain[]): Project {
  const labels = decodeOptionalColumn(LabelsSchema, row.labels, "project labels");
  return create(ProjectSchema, {
    id: row.identifier,
    name: row.name,
    description: row.description,
    state: row.state,
    domains: [...domains],
    ...(labels === undefined ? {} : { labels }),
  });
}
