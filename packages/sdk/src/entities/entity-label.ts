import { bindingNameAt, formatCallSite } from "./call-site.js";
import type { EntityBase } from "./entity.js";

const guessed = new WeakMap<EntityBase, string | null>();

/**
 * How messages name an entity: its name, else its export name, else the variable its declaration is
 * assigned to (read from the source), else where it was declared (`task declared at a.ts:3:14`).
 */
export function entityLabel(entity: EntityBase): string {
  if (entity.name !== undefined && entity.name !== "") return entity.name;
  if (entity.location !== undefined) return entity.location.exportName;
  let binding = guessed.get(entity);
  if (binding === undefined) {
    binding = bindingNameAt(entity.declaredAt) ?? null;
    guessed.set(entity, binding);
  }
  if (binding !== null) return binding;
  const where = entity.declaredAt === undefined ? "" : ` declared at ${formatCallSite(entity.declaredAt)}`;
  return `${entity.kind}${where}`;
}

/** `workflow helloWorld`, or `workflow declared at a.ts:3:14` for one known by nothing else. */
export function entityDescription(entity: EntityBase): string {
  const label = entityLabel(entity);
  return label.startsWith(`${entity.kind} declared at `) || label === entity.kind ? label : `${entity.kind} ${label}`;
}

/** The last dot-separated part of a name (flytekit's `extract_obj_name`), used for node display names. */
export function shortName(name: string): string {
  const i = name.lastIndexOf(".");
  return i === -1 ? name : name.slice(i + 1);
}
