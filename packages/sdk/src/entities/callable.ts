import type { EntityBase } from "./entity.js";
import { entityDescription } from "./entity-label.js";

/**
 * Turns an entity object into a function that calls `invoke` with itself and the call's inputs, keeping
 * its prototype (methods, getters) and own fields, so `sayHello({ name })` works while `sayHello.name`
 * is the entity's. The function's own `name` and `length` are removed for the entity's to show through.
 * @internal
 */
export function makeCallable<T extends EntityBase>(instance: T, invoke: (self: T, inputs: unknown) => unknown): T {
  const fn = (inputs?: unknown): unknown => invoke(fn as unknown as T, inputs);
  delete (fn as { name?: unknown }).name;
  delete (fn as { length?: unknown }).length;
  Object.setPrototypeOf(fn, Object.getPrototypeOf(instance) as object);
  Object.defineProperties(fn, Object.getOwnPropertyDescriptors(instance));
  // `console.log(sayHello)` shows the entity, not an anonymous function.
  Object.defineProperty(fn, Symbol.for("nodejs.util.inspect.custom"), {
    value: () => `[${entityDescription(fn as unknown as T)}]`,
    enumerable: false,
  });
  return fn as unknown as T;
}
