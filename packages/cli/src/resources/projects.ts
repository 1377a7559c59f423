import { create, type JsonValue } from "@bufbuild/protobuf";
import { fromAdminJson } from "@aloft/idl";
import { type Project, Project_ProjectState, ProjectSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { printLines } from "../output.js";
import { type AdminSession, callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { applyUpdate, type UpdateFlags } from "./apply-update.js";
import type { FilterFlags } from "./filter-options.js";
import { joinFilters, listRequestParts } from "./list-filters.js";
import { printData, printMessages } from "./print-messages.js";
import { enumName } from "./proto-text.js";
import type { Column } from "./table.js";
import { readYamlFile } from "./yaml-file.js";

/** flytectl's project table (flytectl/cmd/get/project.go). */
const projectColumns: Column<Project>[] = [
  { header: "ID", value: (p) => p.id },
  { header: "Name", value: (p) => p.name },
  { header: "Description", value: (p) => p.description },
];

/**
 * `aloft get project [id]`: admin's projects (one page, filtered and sorted by the `--filter.*` flags), or the one
 * with `id`.
 *
 * @throws CliError when the project named does not exist.
 */
export async function getProjects(
  id: string | undefined,
  flags: SessionFlags & FilterFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const admin = await session.admin();
    const parts = listRequestParts(flags);
    const filters = id === undefined ? parts.filters : joinFilters(`eq(identifier,${id})`, parts.filters);
    const { projects } = await callAdmin("list projects", () => admin.listProjects({ ...parts, filters }));
    if (id !== undefined && projects.length === 0) throw CliError.failure(`project ${id} not found`);
    printMessages(context.output, session.format, {
      schema: ProjectSchema,
      messages: projects,
      columns: projectColumns,
    });
  });
}

/** The flags of `create project` and `update project` (flytectl's ConfigProject). */
export interface ProjectFlags extends SessionFlags, UpdateFlags {
  id?: string;
  name?: string;
  description?: string;
  labels?: Record<string, string>;
  file?: string;
  archive?: boolean;
  activate?: boolean;
}

/**
 * `aloft create project`: registers a project from `--id --name --description --labels`, or from `--file`
 * (a YAML Project: id, name, description, labels.values).
 *
 * @throws CliError without an id or a name, or when admin refuses (an existing id is AlreadyExists).
 */
export async function createProject(flags: ProjectFlags, context: CliContext): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const spec = await projectSpec(flags, session);
    if (spec.name === "") throw CliError.usage("create project needs a name: --name <name>");
    const project = create(ProjectSchema, {
      id: spec.id,
      name: spec.name,
      description: spec.description,
      ...(spec.labels === undefined ? {} : { labels: spec.labels }),
    });
    if (flags.dryRun !== true) {
      const admin = await session.admin();
      await callAdmin(`create project ${spec.id}`, () => admin.registerProject({ project }));
    }
    if (session.format === "table") {
      printLines(context.output, [
        flags.dryRun === true ? "skipping RegisterProject request (dryRun)" : `project ${spec.id} created`,
      ]);
    } else {
      printData(context.output, session.format, { project: projectView(project), dryRun: flags.dryRun === true });
    }
  });
}

/**
 * `aloft update project`: changes the name, description or labels of a project, or archives or activates it
 * (flytectl/cmd/update/project.go). With `--file`, the file's `state` is applied only together with
 * `--archive` or `--activate`, as in flytectl.
 *
 * @throws CliError for missing or contradictory flags, a project that does not exist, or a refused update.
 */
export async function updateProject(flags: ProjectFlags, context: CliContext): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const edits = await projectSpec(flags, session);
    const admin = await session.admin();
    const { projects } = await callAdmin(`get project ${edits.id}`, () =>
      admin.listProjects({ limit: 1, filters: `eq(identifier,${edits.id})` }),
    );
    const current = projects[0];
    if (current === undefined) throw CliError.failure(`cannot update project ${edits.id}: it does not exist`);
    const changesState = flags.archive === true || flags.activate === true;
    const edited = create(ProjectSchema, {
      ...current,
      name: edits.name || current.name,
      description: edits.description || current.description,
      ...(edits.labels !== undefined && Object.keys(edits.labels.values).length > 0 ? { labels: edits.labels } : {}),
      state: changesState ? edits.state : current.state,
    });
    edits.state = edited.state;
    await applyUpdate(session, flags, {
      resource: `project ${edits.id}`,
      before: projectView(current),
      after: projectView(edited),
      request: "UpdateProject",
      apply: async () => {
        await callAdmin(`update project ${edits.id}`, () => admin.updateProject(edits));
      },
      done: `project ${edits.id} updated`,
    });
  });
}

/**
 * The project the flags describe (flytectl's `GetProjectSpec`): from `--file`, else from the flags; the id from
 * the file or `--id`, else `-p`, else `root.project`. Passing both `--id` and `-p` is an error.
 */
async function projectSpec(flags: ProjectFlags, session: AdminSession): Promise<Project> {
  let spec: Project;
  if (flags.file !== undefined) {
    const document = await readYamlFile(flags.file, session.context.cwd);
    try {
      spec = fromAdminJson(ProjectSchema, (document ?? {}) as JsonValue);
    } catch (error) {
      throw CliError.failure(`${flags.file} is not a project: ${(error as { rawMessage?: string }).rawMessage}`, {
        cause: error,
        hint: "write id, name, description and labels: {values: {key: value}}",
      });
    }
  } else {
    spec = create(ProjectSchema, {
      id: flags.id ?? "",
      name: flags.name ?? "",
      description: flags.description ?? "",
      ...(flags.labels === undefined ? {} : { labels: { values: flags.labels } }),
      state: stateFromFlags(flags),
    });
  }
  if (spec.id !== "" && flags.project !== undefined && flags.project !== "") {
    throw CliError.usage("both a project (-p) and an id (--id or the file's id) are given: pass one");
  }
  if (spec.id === "") spec.id = flags.project || session.settings.project || "";
  if (spec.id === "") throw CliError.usage("no project id: pass --id <id> (or -p <id>), or write id in --file");
  return spec;
}

function stateFromFlags(flags: ProjectFlags): Project_ProjectState {
  if (flags.archive === true && flags.activate === true) {
    throw CliError.usage("invalid state: pass either --activate or --archive, not both");
  }
  return flags.archive === true ? Project_ProjectState.ARCHIVED : Project_ProjectState.ACTIVE;
}

/** The parts of a project an update can change, for the diff and JSON output. */
function projectView(project: Project): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    labels: { ...(project.labels?.values ?? {}) },
    state: enumName(Project_ProjectState, project.state),
  };
}
