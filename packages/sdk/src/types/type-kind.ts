import { BaseType, type TypeKind } from "./base-type.js";
import { TYPE_BRAND, type AnyType } from "./type.js";

/** Whether `value` is an SDK type (made by `t.*`, possibly by another copy of the SDK). */
export function isType(value: unknown): value is AnyType {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[TYPE_BRAND] === true;
}

/**
 * What kind of type this is (`"int"`, `"optional"`, `"record"`, …), for code that walks types, e.g. to
 * offer `.x` on record refs or `.at(i)` on list refs. `literal` for types rebuilt by `typeFromLiteralType`
 * from IDL types it has no closer match for.
 */
export function typeKind(type: AnyType): TypeKind {
  return type instanceof BaseType ? type.kind : "literal";
}
