/** Marks SDK entities; a registry symbol so entities made by another copy of the SDK are still recognised. */
export const ENTITY_BRAND: unique symbol = Symbol.for("aloft.sdk.entity") as never;

/** The registrable kinds of entity. */
export type EntityKind = "task" | "workflow" | "launch-plan";

/** Where the user declared something: a file and a 1-based line and column, for error messages. */
export interface CallSite {
  file: string;
  line: number;
  column: number;
}

/**
 * Where a registrable entity's code lives, set when a module is loaded for packaging or execution:
 * `module` is the module's path relative to the project root with `/` separators and no extension
 * (`examples/hello`), `exportName` the binding it is exported as.
 */
export interface EntityLocation {
  module: string;
  exportName: string;
}

/** What every registrable entity (task, workflow, launch plan) has. */
export interface EntityBase {
  readonly [ENTITY_BRAND]: EntityKind;
  readonly kind: EntityKind;
  /**
   * The registered name. Set from the `name` option, or, when unset, by the module loader from the
   * entity's location as `<module with / replaced by .>.<exportName>` (`examples.hello.sayHello`).
   */
  name: string | undefined;
  /** Set by the module loader. */
  location: EntityLocation | undefined;
  /** Where the user declared it. */
  readonly declaredAt: CallSite | undefined;
}

/** Whether `value` is an SDK entity, of any copy of the SDK. */
export function isEntity(value: unknown): value is EntityBase {
  return typeof value === "object" || typeof value === "function"
    ? value !== null && typeof (value as Partial<EntityBase>)[ENTITY_BRAND] === "string"
    : false;
}
