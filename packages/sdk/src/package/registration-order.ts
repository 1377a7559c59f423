import { AloftError } from "@aloft/idl";
import { DECL, isDeclared, type WorkflowEntityLike } from "../entities/decl.js";
import { dynamicDependencies } from "../entities/dynamic.js";
import type { EntityBase } from "../entities/entity.js";
import { defaultLaunchPlan } from "../entities/launch-plan.js";
import { listEntities } from "../entities/registry.js";
import { calleesOf } from "../serialize/dependencies.js";

/**
 * The entities to register for `roots`, in one list in the order registration needs, as flytekit's
 * `get_registrable_entities` builds it: roots in creation order, each after everything it uses
 * (depth first: a workflow's tasks, sub-workflows and launch plans, a launch plan's workflow, a
 * dynamic task's `dependsOn`), every workflow followed by its default launch plan. References are
 * left out (registered elsewhere). Reaches the same entities as `collectEntities`.
 *
 * @throws AloftError `InvalidArgument` for a root that is not an entity of this SDK.
 */
export function registrationOrder(roots: readonly EntityBase[]): EntityBase[] {
  const created = new Map(listEntities().map((e, i) => [e, i] as const));
  const byCreation = roots
    .map((entity, i) => ({ entity, key: created.get(entity) ?? Number.MAX_SAFE_INTEGER, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((r) => r.entity);

  const out: EntityBase[] = [];
  const seen = new Set<EntityBase>();
  const visit = (entity: EntityBase): void => {
    if (seen.has(entity)) return;
    seen.add(entity);
    if (!isDeclared(entity)) {
      throw AloftError.invalidArgument(`${String(entity.name ?? entity)} is not an entity of this SDK`);
    }
    const decl = entity[DECL];
    if (decl.kind === "reference") return;
    switch (entity.kind) {
      case "task":
        for (const hint of dynamicDependencies(entity)) visit(hint);
        out.push(entity);
        return;
      case "workflow":
        for (const callee of calleesOf(entity as WorkflowEntityLike)) visit(callee);
        out.push(entity);
        visit(defaultLaunchPlan(entity as never));
        return;
      case "launch-plan":
        if (decl.kind === "launch-plan") visit(decl.workflow);
        out.push(entity);
        return;
    }
  };
  for (const root of byCreation) visit(root);
  return out;
}

/** pyflyte's `_determine_text_chars`: the digits of the file index, `ceil(log10(count))` computed as Python does. */
export function indexWidth(count: number): number {
  return count === 0 ? 0 : Math.ceil(Math.log(count) / Math.log(10));
}

const KIND_SUFFIX = { task: 1, workflow: 2, "launch-plan": 3 } as const;

/**
 * The file name pyflyte's `persist_registrable_entities` gives an entity: `<index>_<name>_<1|2|3>.pb`
 * (task, workflow, launch plan), the index zero-padded to {@link indexWidth} digits.
 *
 * @throws AloftError `InvalidArgument` for a name holding a path separator.
 */
export function packageFileName(options: {
  index: number;
  count: number;
  kind: EntityBase["kind"];
  name: string;
}): string {
  if (/[/\\]/.test(options.name)) {
    throw AloftError.invalidArgument(
      `the name ${JSON.stringify(options.name)} cannot name a file: it holds a path separator`,
    );
  }
  const index = String(options.index).padStart(indexWidth(options.count), "0");
  return `${index}_${options.name}_${KIND_SUFFIX[options.kind]}.pb`;
}
