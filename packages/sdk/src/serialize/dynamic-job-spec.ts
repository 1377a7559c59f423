import { create } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import { DynamicJobSpecSchema, type DynamicJobSpec } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import {
  LiteralCollectionSchema,
  LiteralMapSchema,
  LiteralSchema,
  type Literal,
  type LiteralMap,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { DECL, type TaskEntityLike, type WorkflowEntityLike } from "../entities/decl.js";
import { entityLabel } from "../entities/entity-label.js";
import type { EntityBase } from "../entities/entity.js";
import type { BindingDataSpec, BindingSpec, NodeSpec } from "../workflow/model.js";
import { dependenciesOf } from "./dependencies.js";
import { taskTemplate, type SerializeContext } from "./serialize-task.js";
import { bindings, nodeProto, subWorkflowsOf, workflowTemplate } from "./serialize-workflow.js";

/** A literal from constant binding data (a dynamic body that made no node returns values). */
function bindingLiteral(data: BindingDataSpec): Literal {
  switch (data.kind) {
    case "scalar":
      return create(LiteralSchema, { value: { case: "scalar", value: data.scalar } });
    case "collection":
      return create(LiteralSchema, {
        value: {
          case: "collection",
          value: create(LiteralCollectionSchema, { literals: data.items.map(bindingLiteral) }),
        },
      });
    case "map": {
      const literals: Record<string, Literal> = {};
      for (const [k, v] of Object.entries(data.entries)) literals[k] = bindingLiteral(v);
      return create(LiteralSchema, { value: { case: "map", value: create(LiteralMapSchema, { literals }) } });
    }
    case "promise":
      throw AloftError.internal("a dynamic task without nodes returned a ref");
  }
}

/** The output literals of constant output bindings. @internal */
export function literalMapFromBindings(outputs: readonly BindingSpec[]): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const b of outputs) literals[b.var] = bindingLiteral(b.data);
  return create(LiteralMapSchema, { literals });
}

/**
 * The `DynamicJobSpec` of what a dynamic task's body built, as flytekit's `compile_into_workflow`:
 * its nodes (`dn0`, `dn1`, …), `min_successes` = the number of nodes, the output bindings, the
 * templates of every task its nodes (and sub-workflows) call, and the sub-workflow templates.
 * Children are serialized with the parent's settings (same project, domain, version, images).
 *
 * @throws AloftError `InvalidArgument` for reference tasks (unsupported in dynamic tasks, as in
 * flytekit) and for unnamed or unexported entities.
 * @internal
 */
export function dynamicJobSpec(
  nodes: readonly NodeSpec[],
  outputs: readonly BindingSpec[],
  ctx: SerializeContext,
): DynamicJobSpec {
  // The nodes are treated as the body of a workflow, to reuse the dependency walk.
  const pseudo = {
    [DECL]: { kind: "workflow", graph: { nodes, outputs, failureNode: undefined } },
    kind: "workflow",
  } as unknown as WorkflowEntityLike;
  const deps = dependenciesOf(pseudo);
  const tasks: TaskTemplate[] = [];
  const seen = new Set<EntityBase>();
  const addTask = (task: TaskEntityLike): void => {
    if (seen.has(task)) return;
    seen.add(task);
    if (task[DECL].kind === "reference") {
      throw AloftError.invalidArgument(
        `reference task ${entityLabel(task)} cannot be called in a dynamic task (flytekit does not support it either)`,
      );
    }
    tasks.push(taskTemplate(task, ctx));
  };
  for (const task of deps.tasks) addTask(task);
  const subworkflows = subWorkflowsOf(pseudo).map((w) => workflowTemplate(w, ctx));
  return create(DynamicJobSpecSchema, {
    nodes: nodes.map((n) => nodeProto(n, ctx)),
    minSuccesses: BigInt(nodes.length),
    outputs: bindings(outputs),
    tasks,
    subworkflows,
  });
}
