import { type NodeExecution, NodeExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import type { FilterFlags } from "./filter-options.js";
import { listRequestParts } from "./list-filters.js";
import { printMessages } from "./print-messages.js";
import { durationText, enumName, timestampText } from "./proto-text.js";
import type { Column } from "./table.js";

/** The flags of `get node-execution`, an Aloft addition (flytectl has no such command). */
export interface GetNodeExecutionsFlags extends SessionFlags, FilterFlags {
  execution?: string;
  /** List the children of this parent node (sub-workflow, branch, dynamic or array node) instead of the top level. */
  parent?: string;
}

const TRUNCATE = 100;

/** The node execution table. */
const nodeExecutionColumns: Column<NodeExecution>[] = [
  { header: "Node ID", value: (n) => n.id?.nodeId ?? "" },
  { header: "Execution", value: (n) => n.id?.executionId?.name ?? "" },
  { header: "Phase", value: (n) => enumName(NodeExecution_Phase, n.closure?.phase ?? 0) },
  { header: "Started", value: (n) => timestampText(n.closure?.startedAt) },
  { header: "Elapsed Time", value: (n) => durationText(n.closure?.duration) },
  { header: "Parent", value: (n) => (n.metadata?.isParentNode === true ? "yes" : "") },
  {
    header: "Error data (Trunc)",
    value: (n) => (n.closure?.outputResult.case === "error" ? n.closure.outputResult.value.message : ""),
    truncateTo: TRUNCATE,
  },
];

/**
 * `aloft get node-execution [node-id] --execution <name>`: the top-level node executions of an execution (or the
 * children of `--parent`), filtered, sorted and paged like other lists, or one node execution.
 *
 * @throws CliError without `--execution`, or for a node execution that does not exist.
 */
export async function getNodeExecutions(
  nodeId: string | undefined,
  flags: GetNodeExecutionsFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("get node-execution");
    const domain = session.domain("get node-execution");
    if (flags.execution === undefined || flags.execution === "") {
      throw CliError.usage("get node-execution needs the execution: --execution <name>");
    }
    const executionId = { project, domain, name: flags.execution };
    const admin = await session.admin();
    let nodes: NodeExecution[];
    if (nodeId !== undefined) {
      const id = { nodeId, executionId };
      nodes = [
        await callAdmin(`get node execution ${nodeId} of ${flags.execution}`, () => admin.getNodeExecution({ id })),
      ];
    } else {
      const request = {
        workflowExecutionId: executionId,
        uniqueParentId: flags.parent ?? "",
        ...listRequestParts(flags),
      };
      nodes = (
        await callAdmin(`list the node executions of ${flags.execution}`, () => admin.listNodeExecutions(request))
      ).nodeExecutions;
    }
    printMessages(context.output, session.format, {
      schema: NodeExecutionSchema,
      messages: nodes,
      columns: nodeExecutionColumns,
    });
  });
}
