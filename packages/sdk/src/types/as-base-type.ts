import { AloftError } from "@aloft/idl";
import { BaseType } from "./base-type.js";
import type { Type } from "./type.js";

/** The SDK's own implementation behind a `Type`, refusing hand-made `Type` objects with a clear message. */
export function asBaseType<T>(type: Type<T>, where: string): BaseType<T> {
  if (type instanceof BaseType) return type as BaseType<T>;
  throw AloftError.invalidArgument(`${where}: expected a type made by t.*, got ${String(type)}`);
}
