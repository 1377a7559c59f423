import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Node, WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { shortName } from "../entities/entity-label.js";

/** Where a path segment is looked up: a workflow's nodes (failure node included) and its sub-workflows. */
interface Level {
  nodes: readonly Node[];
  subWorkflows: readonly WorkflowTemplate[];
}

function levelOf(template: WorkflowTemplate | undefined, subWorkflows: readonly WorkflowTemplate[]): Level {
  const nodes = template?.nodes ?? [];
  return { nodes: template?.failureNode === undefined ? nodes : [...nodes, template.failureNode], subWorkflows };
}

function closureLevel(closure: CompiledWorkflowClosure): Level {
  return levelOf(
    closure.primary?.template,
    closure.subWorkflows.flatMap((w) => (w.template === undefined ? [] : [w.template])),
  );
}

/** What {@link NodeNames} needs besides the run's closure. */
export interface NodeNamesOptions {
  closure: CompiledWorkflowClosure;
  /**
   * How a task is shown: default its name without module. `element` is set for the elements of a map,
   * which run the map task's template (show the mapped task then, `map(square)` otherwise).
   */
  taskName?: (id: Identifier, element: boolean) => string | undefined;
  /** The workflow a launch-plan node runs. */
  launchPlanClosure?: (id: Identifier) => CompiledWorkflowClosure | undefined;
}

const ELEMENT = /^n(\d+)$/;

/**
 * Display names of a run's nodes, by path (`n1/n0`), for progress output: what each node runs. Paths
 * are followed through sub-workflows, launch plans, branches, map elements and the workflows dynamic
 * tasks build (registered with {@link NodeNames.addDynamic} as they are built).
 */
export class NodeNames {
  readonly #root: Level;
  readonly #taskName: (id: Identifier, element: boolean) => string | undefined;
  readonly #launchPlanClosure: (id: Identifier) => CompiledWorkflowClosure | undefined;
  readonly #dynamic = new Map<string, Level>();
  readonly #cache = new Map<string, { name: string | undefined; element: number | undefined }>();

  constructor(options: NodeNamesOptions) {
    this.#root = closureLevel(options.closure);
    this.#taskName = options.taskName ?? (() => undefined);
    this.#launchPlanClosure = options.launchPlanClosure ?? (() => undefined);
  }

  /** Records the nodes (and sub-workflows) a dynamic task built, under the dynamic node's id. */
  addDynamic(nodeId: string, nodes: readonly Node[], subWorkflows: readonly WorkflowTemplate[]): void {
    this.#dynamic.set(nodeId, { nodes, subWorkflows });
  }

  /** What the node at `path` runs, and its element index when it is an element of a map. */
  describe(path: string): { name: string | undefined; element: number | undefined } {
    const cached = this.#cache.get(path);
    if (cached !== undefined) return cached;
    const found = this.#find(path.split("/"));
    const described =
      found === undefined
        ? { name: undefined, element: undefined }
        : { name: this.#nameOf(found.node, found.element !== undefined), element: found.element };
    this.#cache.set(path, described);
    return described;
  }

  #find(segments: readonly string[]): { node: Node; element: number | undefined } | undefined {
    let level: Level | undefined = this.#root;
    let node: Node | undefined;
    let element: number | undefined;
    for (const segment of segments) {
      element = undefined;
      const parent = node;
      if (parent?.target.case === "arrayNode") {
        node = parent.target.value.node;
        element = Number(ELEMENT.exec(segment)?.[1] ?? Number.NaN);
        continue;
      }
      if (parent?.target.case === "branchNode") {
        node = branchCases(parent).find((n) => n.id === segment);
        if (node === undefined) return undefined;
        continue;
      }
      level = parent === undefined ? level : this.#inside(parent, level);
      node = level?.nodes.find((n) => n.id === segment);
      if (node === undefined) return undefined;
    }
    return node === undefined ? undefined : { node, element: Number.isNaN(element) ? undefined : element };
  }

  #inside(node: Node, level: Level | undefined): Level | undefined {
    const target = node.target;
    if (target.case === "taskNode") return this.#dynamic.get(node.id);
    if (target.case !== "workflowNode" || level === undefined) return undefined;
    const ref = target.value.reference;
    if (ref.case === "subWorkflowRef") {
      const sub = level.subWorkflows.find((w) => sameId(w.id, ref.value));
      return sub === undefined ? undefined : levelOf(sub, level.subWorkflows);
    }
    if (ref.case === "launchplanRef") {
      const closure = this.#launchPlanClosure(ref.value);
      return closure === undefined ? undefined : closureLevel(closure);
    }
    return undefined;
  }

  #nameOf(node: Node, element: boolean): string | undefined {
    const target = node.target;
    switch (target.case) {
      case "taskNode": {
        const ref = target.value.reference;
        if (ref.case !== "referenceId") return undefined;
        return this.#taskName(ref.value, element) ?? shortName(ref.value.name);
      }
      case "workflowNode": {
        const ref = target.value.reference;
        return ref.value === undefined ? undefined : shortName(ref.value.name);
      }
      case "arrayNode":
        return target.value.node === undefined ? undefined : this.#nameOf(target.value.node, false);
      default:
        return node.metadata?.name || undefined;
    }
  }
}

function branchCases(node: Node): Node[] {
  if (node.target.case !== "branchNode") return [];
  const ifElse = node.target.value.ifElse;
  const cases = [ifElse?.case, ...(ifElse?.other ?? [])].flatMap((c) =>
    c?.thenNode === undefined ? [] : [c.thenNode],
  );
  if (ifElse?.default.case === "elseNode") cases.push(ifElse.default.value);
  return cases;
}

function sameId(a: Identifier | undefined, b: Identifier): boolean {
  return (
    a !== undefined && a.name === b.name && a.version === b.version && a.project === b.project && a.domain === b.domain
  );
}
