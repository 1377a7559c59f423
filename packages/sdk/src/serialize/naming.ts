import { createHash } from "node:crypto";
import { DECL, type MapTaskDecl, type DeclaredEntity } from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { requireName } from "../entities/registry.js";

/**
 * How serialization names entities. Registration uses {@link strictNaming} (unnamed entities are an
 * error); the checks run while a workflow is defined use {@link placeholderNaming}, since the module
 * loader names exported entities only after their module has run.
 * @internal
 */
export interface Naming {
  /** The registered name of a task, workflow or launch plan (derived for map tasks). */
  nameOf(entity: EntityBase): string;
}

/** Names entities by their `name`, failing with the declaration site for unnamed ones. @internal */
export function strictNaming(): Naming {
  return { nameOf: (entity) => derivedName(entity, requireName) };
}

/** Names unnamed entities `__unnamed_<kind>_<n>`, stable per entity. @internal */
export function placeholderNaming(): Naming {
  const assigned = new Map<EntityBase, string>();
  const fallback = (entity: EntityBase): string => {
    if (entity.name !== undefined && entity.name !== "") return entity.name;
    let name = assigned.get(entity);
    if (name === undefined) {
      name = `__unnamed_${entity.kind.replace("-", "_")}_${assigned.size}`;
      assigned.set(entity, name);
    }
    return name;
  };
  return { nameOf: (entity) => derivedName(entity, fallback) };
}

function derivedName(entity: EntityBase, base: (e: EntityBase) => string): string {
  const decl = (entity as Partial<DeclaredEntity>)[DECL];
  if (decl?.kind === "map") return mapTaskName(decl, base(decl.inner));
  return base(entity);
}

/** Python's `str()` of an optional number, as flytekit hashes map-task settings. */
function pyStr(value: number | undefined): string {
  if (value === undefined) return "None";
  return Number.isInteger(value) ? `${value}` : String(value);
}

function pyFloat(value: number | undefined): string {
  if (value === undefined) return "None";
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * The name of a map task over the task named `innerName`, as flytekit's `ArrayNodeMapTask`:
 * `<module>.map_<function>_<md5 of bound inputs, concurrency, min successes, min success ratio>-arraynode`.
 * @internal
 */
export function mapTaskName(decl: MapTaskDecl, innerName: string): string {
  const dot = innerName.lastIndexOf(".");
  const mod = dot === -1 ? "" : innerName.slice(0, dot);
  const fn = dot === -1 ? innerName : innerName.slice(dot + 1);
  const key = `${[...decl.bound].sort().join(",")}${pyStr(decl.concurrency)}${pyStr(decl.minSuccesses)}${pyFloat(decl.minSuccessRatio)}`;
  const h = createHash("md5").update(key, "utf8").digest("hex");
  return `${mod === "" ? "" : `${mod}.`}map_${fn}_${h}-arraynode`;
}
