import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { bindingNameAt } from "../entities/call-site.js";
import { DECL, isDeclared } from "../entities/decl.js";
import type { EntityBase, EntityLocation } from "../entities/entity.js";
import { listEntities, nameFromLocation } from "../entities/registry.js";

const roots = new Map<string, string>();

/** The nearest folder at or above `dir` holding a `package.json` (the module loader's default root). */
function projectRoot(dir: string): string {
  const known = roots.get(dir);
  if (known !== undefined) return known;
  const parent = dirname(dir);
  const root = existsSync(join(dir, "package.json")) || parent === dir ? dir : projectRoot(parent);
  roots.set(dir, root);
  return root;
}

function moduleOf(entity: EntityBase): string {
  const file = entity.declaredAt?.file;
  if (file === undefined) return "__main__";
  const rel = relative(projectRoot(dirname(file)), file)
    .split(sep)
    .join("/");
  return rel.replace(/\.[cm]?[jt]sx?$/, "");
}

/** Entities whose names follow another entity's and that need no location of their own. */
function derivesName(entity: EntityBase): boolean {
  if (!isDeclared(entity)) return true;
  const decl = entity[DECL];
  return decl.kind === "map" || decl.kind === "reference" || (decl.kind === "launch-plan" && decl.isDefault);
}

/**
 * Gives every registered entity the module loader has not located a local identity, so that it can be
 * serialized and run in this process (dynamic tasks serialize what they call with the same rules as
 * registration, which need names and modules):
 * - its location is the module it was declared in, relative to the nearest folder with a
 *   `package.json` (the loader's default root), and the variable its declaration is assigned to;
 * - when it has no name, it gets the one the loader would give it if it were exported under that
 *   variable's name (`examples/hello.ts`, `const sayHello = task(…)` → `examples.hello.sayHello`),
 *   made unique with `_2`, `_3`… when two entities would share it (tasks made by one factory function).
 *
 * Entities the loader has located, and those whose name follows another's (map tasks, default launch
 * plans), are left alone. Running twice changes nothing.
 */
export function nameLocalEntities(): void {
  const entities = listEntities();
  const pending = entities.filter((e) => e.location === undefined && !derivesName(e));
  if (pending.length === 0) return;
  const used = new Set<string>();
  for (const e of entities) if (e.name !== undefined) used.add(`${e.kind}:${e.name}`);
  for (const entity of pending) {
    const site = entity.declaredAt;
    const exportName = bindingNameAt(site) ?? `${entity.kind.replace("-", "_")}_${site?.line ?? 0}`;
    const location: EntityLocation = { module: moduleOf(entity), exportName };
    entity.location = location;
    if (entity.name !== undefined && entity.name !== "") continue;
    const base = nameFromLocation(location);
    let name = base;
    for (let n = 2; used.has(`${entity.kind}:${name}`); n++) name = `${base}_${n}`;
    used.add(`${entity.kind}:${name}`);
    entity.name = name;
  }
}
