import { create } from "@bufbuild/protobuf";
import { type Execution, ExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType, WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { printLines } from "../output.js";
import { callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { executionDetailsData, executionDetailsTree, fetchExecutionDetails } from "./execution-details.js";
import type { FilterFlags } from "./filter-options.js";
import { listRequestParts } from "./list-filters.js";
import { printData, printMessages } from "./print-messages.js";
import { durationText, enumName, timestampText } from "./proto-text.js";
import type { Column } from "./table.js";

/** The flags of `get execution`. */
export interface GetExecutionsFlags extends SessionFlags, FilterFlags {
  details?: boolean;
  nodeID?: string;
}

/** flytectl cuts abort causes and error messages to this many characters in the table. */
const TRUNCATE = 100;

/** flytectl's execution table (flytectl/cmd/get/execution.go). */
const executionColumns: Column<Execution>[] = [
  { header: "Name", value: (e) => e.id?.name ?? "" },
  { header: "Launch Plan Name", value: (e) => e.spec?.launchPlan?.name ?? "" },
  { header: "Version", value: (e) => e.spec?.launchPlan?.version ?? "" },
  { header: "Type", value: (e) => enumName(ResourceType, e.spec?.launchPlan?.resourceType ?? 0) },
  { header: "Phase", value: (e) => enumName(WorkflowExecution_Phase, e.closure?.phase ?? 0) },
  { header: "Scheduled Time", value: (e) => timestampText(e.spec?.metadata?.scheduledAt) },
  { header: "Started", value: (e) => timestampText(e.closure?.startedAt) },
  { header: "Elapsed Time", value: (e) => durationText(e.closure?.duration) },
  {
    header: "Abort data (Trunc)",
    value: (e) => (e.closure?.outputResult.case === "abortMetadata" ? e.closure.outputResult.value.cause : ""),
    truncateTo: TRUNCATE,
  },
  {
    header: "Error data (Trunc)",
    value: (e) => (e.closure?.outputResult.case === "error" ? e.closure.outputResult.value.message : ""),
    truncateTo: TRUNCATE,
  },
];

/**
 * `aloft get execution [name]`: the executions of the project and domain (filtered, sorted, paged), or one of
 * them. With `--details`, the node and task executions of that one (a tree, or JSON/YAML with their inputs and
 * outputs); with `--nodeID`, only that node.
 *
 * @throws CliError for `--details`/`--nodeID` without a name, or an execution that does not exist.
 */
export async function getExecutions(
  name: string | undefined,
  flags: GetExecutionsFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("get execution");
    const domain = session.domain("get execution");
    const admin = await session.admin();
    if (name === undefined) {
      if (flags.details === true || flags.nodeID !== undefined) {
        throw CliError.usage("--details and --nodeID need an execution name");
      }
      const request = { id: { project, domain }, ...listRequestParts(flags) };
      const { executions } = await callAdmin("list executions", () => admin.listExecutions(request));
      printMessages(context.output, session.format, {
        schema: ExecutionSchema,
        messages: executions,
        columns: executionColumns,
      });
      return;
    }
    const id = create(WorkflowExecutionIdentifierSchema, { project, domain, name });
    const execution = await callAdmin(`get execution ${name}`, () => admin.getExecution({ id }));
    if (flags.details !== true && flags.nodeID === undefined) {
      printMessages(context.output, session.format, {
        schema: ExecutionSchema,
        messages: [execution],
        columns: executionColumns,
      });
      return;
    }
    const details = await fetchExecutionDetails(admin, id, flags.nodeID);
    if (flags.nodeID !== undefined && details.length === 0) {
      throw CliError.failure(`execution ${name} has no node ${flags.nodeID}`);
    }
    if (session.format === "table") printLines(context.output, executionDetailsTree(details));
    else printData(context.output, session.format, executionDetailsData(details));
  });
}
