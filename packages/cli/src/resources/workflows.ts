import { type NamedEntity, NamedEntitySchema, NamedEntityState } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { type Workflow, WorkflowSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { type AdminSession, callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import type { FilterFlags } from "./filter-options.js";
import { listRequestParts } from "./list-filters.js";
import { printMessages } from "./print-messages.js";
import { enumName, timestampText } from "./proto-text.js";
import type { Column } from "./table.js";
import { describeVariables } from "./variable-descriptions.js";

/** The flags of `get workflow`. */
export interface GetWorkflowsFlags extends SessionFlags, FilterFlags {
  version?: string;
  latest?: boolean;
}

/** flytectl's table of one workflow version (flytectl/cmd/get/workflow.go). */
const workflowColumns: Column<Workflow>[] = [
  { header: "Version", value: (w) => w.id?.version ?? "" },
  { header: "Name", value: (w) => w.id?.name ?? "" },
  {
    header: "Inputs",
    value: (w) => describeVariables(w.closure?.compiledWorkflow?.primary?.template?.interface?.inputs?.variables),
  },
  {
    header: "Outputs",
    value: (w) => describeVariables(w.closure?.compiledWorkflow?.primary?.template?.interface?.outputs?.variables),
  },
  { header: "Created At", value: (w) => timestampText(w.closure?.createdAt) },
];

/** flytectl's table of a workflow's versions. */
const workflowVersionColumns: Column<Workflow>[] = [
  { header: "Version", value: (w) => w.id?.version ?? "" },
  { header: "Name", value: (w) => w.id?.name ?? "" },
  { header: "Created At", value: (w) => timestampText(w.closure?.createdAt) },
];

/** flytectl's table of named entities, for the workflow list. */
export const namedEntityColumns: Column<NamedEntity>[] = [
  { header: "Project", value: (e) => e.id?.project ?? "" },
  { header: "Domain", value: (e) => e.id?.domain ?? "" },
  { header: "Name", value: (e) => e.id?.name ?? "" },
  { header: "Description", value: (e) => e.metadata?.description ?? "" },
  { header: "State", value: (e) => enumName(NamedEntityState, e.metadata?.state ?? 0) },
];

/**
 * `aloft get workflow [name]`: the workflows (named entities) of the project and domain, by name unless
 * `--filter.sortBy` says otherwise, or the versions of one workflow (all, `--latest` with its compiled closure, or
 * `--version v`).
 *
 * @throws CliError for a name with no versions or a missing version.
 */
export async function getWorkflows(
  name: string | undefined,
  flags: GetWorkflowsFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("get workflow");
    const domain = session.domain("get workflow");
    const admin = await session.admin();
    if (name === undefined) {
      if (flags.version !== undefined || flags.latest === true) {
        throw CliError.usage("--version and --latest need a workflow name");
      }
      // flytectl sorts this list by created_at too, which flyteadmin refuses (named entities have no such column).
      const sorted: FilterFlags =
        flags["filter.sortBy"] === undefined ? { ...flags, "filter.sortBy": "name", "filter.asc": true } : flags;
      const request = { resourceType: ResourceType.WORKFLOW, project, domain, ...listRequestParts(sorted) };
      const { entities } = await callAdmin("list workflows", () => admin.listNamedEntities(request));
      printMessages(context.output, session.format, {
        schema: NamedEntitySchema,
        messages: entities,
        columns: namedEntityColumns,
      });
      return;
    }
    const single = flags.version !== undefined || flags.latest === true;
    const workflows = await workflowsNamed(session, project, domain, name, flags);
    printMessages(context.output, session.format, {
      schema: WorkflowSchema,
      messages: workflows,
      columns: single ? workflowColumns : workflowVersionColumns,
    });
  });
}

/**
 * flytectl's FetchWorkflowForName. `--latest` lists the newest version and then gets it, since admin's lists
 * carry no compiled closure.
 */
async function workflowsNamed(
  session: AdminSession,
  project: string,
  domain: string,
  name: string,
  flags: GetWorkflowsFlags,
): Promise<Workflow[]> {
  const admin = await session.admin();
  let version = flags.version;
  if (version === undefined) {
    const parts = listRequestParts(flags.latest === true ? { "filter.limit": 1 } : flags);
    const { workflows } = await callAdmin("list workflows", () =>
      admin.listWorkflows({ id: { project, domain, name }, ...parts }),
    );
    if (workflows.length === 0) throw CliError.failure(`no versions of workflow ${name} in ${project}/${domain}`);
    if (flags.latest !== true) return workflows;
    version = workflows[0]?.id?.version ?? "";
  }
  const id = { resourceType: ResourceType.WORKFLOW, project, domain, name, version };
  return [await callAdmin(`get workflow ${name} version ${version}`, () => admin.getWorkflow({ id }))];
}
