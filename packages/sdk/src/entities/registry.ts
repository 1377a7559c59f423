import { AloftError } from "@aloft/idl";
import { formatCallSite } from "./call-site.js";
import type { EntityBase, EntityKind, EntityLocation } from "./entity.js";

// One registry per process, even when two copies of the SDK are loaded (a bundle and the CLI's own).
const REGISTRY_KEY = Symbol.for("aloft.sdk.registry");

interface Registry {
  entities: EntityBase[];
}

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  holder[REGISTRY_KEY] ??= { entities: [] };
  return holder[REGISTRY_KEY];
}

/** Adds an entity to the process-wide registry; every task, workflow and launch plan does this when created. */
export function registerEntity(entity: EntityBase): void {
  registry().entities.push(entity);
}

/** Every registered entity, in creation order, optionally of one kind. */
export function listEntities(kind?: EntityKind): EntityBase[] {
  const all = registry().entities;
  return kind === undefined ? [...all] : all.filter((e) => e.kind === kind);
}

/**
 * The registered entity of `kind` named `name` (its `name` option, or the name its location gave it),
 * or `undefined`. When several share the name, the first created wins.
 */
export function findEntity(kind: EntityKind, name: string): EntityBase | undefined {
  return registry().entities.find((e) => e.kind === kind && e.name === name);
}

/** The registered task named `name`, or `undefined` (what `aloft-execute`'s resolver uses). */
export function findTask(name: string): EntityBase | undefined {
  return findEntity("task", name);
}

/**
 * The name an entity gets from where it is exported: the module path with `/` replaced by `.`, a dot,
 * then the export name (`examples/hello` + `sayHello` → `examples.hello.sayHello`), as flytekit names
 * entities `<python module>.<function name>`.
 */
export function nameFromLocation(location: EntityLocation): string {
  const module = location.module.replace(/\\/g, "/").replace(/\.[cm]?[jt]sx?$/, "");
  return `${module
    .split("/")
    .filter((p) => p !== "")
    .join(".")}.${location.exportName}`;
}

/**
 * Records where an entity's code lives (set by the module loader) and, when the entity has no name
 * yet, names it {@link nameFromLocation}. An entity exported twice keeps its first location.
 */
export function assignLocation(entity: EntityBase, location: EntityLocation): void {
  if (entity.location !== undefined) return;
  entity.location = { module: location.module, exportName: location.exportName };
  entity.name ??= nameFromLocation(location);
}

/**
 * The entity's name, or an `InvalidArgument` error naming where it was declared: entities that are
 * neither named nor exported from a loaded module cannot be registered or run in a container.
 */
export function requireName(entity: EntityBase): string {
  if (entity.name !== undefined && entity.name !== "") return entity.name;
  const where = entity.declaredAt === undefined ? "" : ` declared at ${formatCallSite(entity.declaredAt)}`;
  throw AloftError.invalidArgument(
    `the ${entity.kind}${where} has no name: give it a name option or export it from a module the loader reads`,
  );
}
