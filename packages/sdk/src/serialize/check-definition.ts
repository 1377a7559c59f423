import { formatCompileError } from "@aloft/compiler";
import { sitePrefix } from "../entities/call-site.js";
import { DECL, type WorkflowEntityLike } from "../entities/decl.js";
import { entityDescription } from "../entities/entity-label.js";
import { definitionError } from "../workflow/definition-error.js";
import type { NodeSpec } from "../workflow/model.js";
import { compileWorkflowEntity } from "./compile-workflow-entity.js";
import { placeholderNaming } from "./naming.js";
import type { SerializationSettings } from "./serialization-settings.js";
import type { SerializeContext } from "./serialize-task.js";

/** Registration settings for checks while defining: real ids and images are not known yet. */
const CHECK_SETTINGS: SerializationSettings = {
  project: "definition",
  domain: "check",
  version: "0",
  image: "aloft.invalid/definition-check:0",
  code: { kind: "image" },
};

/** The node ids the compiler reports (branch cases renamed `<branch>-<case>`), mapped to their nodes. */
function nodesById(nodes: readonly NodeSpec[], failureNode: NodeSpec | undefined): Map<string, NodeSpec> {
  const byId = new Map<string, NodeSpec>();
  const visit = (n: NodeSpec, prefix: string): void => {
    const id = `${prefix}${n.id}`;
    byId.set(id, n);
    if (n.target.kind !== "branch") return;
    for (const c of n.target.branch.cases) visit(c.node, `${id}-`);
    if (n.target.branch.elseNode !== undefined) visit(n.target.branch.elseNode, `${id}-`);
  };
  for (const n of nodes) visit(n, "");
  if (failureNode !== undefined) visit(failureNode, "");
  return byId;
}

/**
 * Runs the full compiler (`@aloft/compiler`) on a workflow that has just been defined, so anything the
 * checks made while its body ran missed is still reported at definition time. Each error names the
 * call site of the node (or task) it concerns.
 *
 * @throws AloftError `InvalidArgument` listing every compile error.
 * @internal
 */
export function checkWorkflowDefinition(wf: WorkflowEntityLike): void {
  const ctx: SerializeContext = { settings: CHECK_SETTINGS, naming: placeholderNaming(), lenient: true };
  const result = compileWorkflowEntity(wf, ctx);
  if (result.ok) return;
  const decl = wf[DECL];
  const graph = decl.kind === "workflow" ? decl.graph : undefined;
  const byId = nodesById(graph?.nodes ?? [], graph?.failureNode);
  const lines = result.errors.map(({ entity, error }) => {
    if (entity !== wf)
      return `${sitePrefix(entity.declaredAt)}${entityDescription(entity)}: ${formatCompileError(error)}`;
    const node = byId.get(error.nodeId);
    const about = node === undefined ? "" : ` (${node.label})`;
    return `${sitePrefix(node?.callSite ?? wf.declaredAt)}${formatCompileError(error)}${about}`;
  });
  throw definitionError(wf.declaredAt, `${entityDescription(wf)} does not compile:\n  ${lines.join("\n  ")}`);
}
