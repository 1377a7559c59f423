import { create } from "@bufbuild/protobuf";
import { AloftError, literalFromJs, literalToJs } from "@aloft/idl";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TypeContext } from "../types/type.js";
import type { InterfaceDecl, VarDecl } from "./decl.js";

async function decodeOne(name: string, v: VarDecl, literal: Literal, ctx: TypeContext): Promise<unknown> {
  const path = `inputs.${name}`;
  if (v.type !== undefined) return v.type.fromLiteral(literal, ctx, { path });
  return literalToJs(literal, v.literalType, { path });
}

/**
 * A task's input values from its input literals, converted by the declared types. Optional inputs
 * missing from the map are `null`.
 *
 * @throws AloftError `InvalidArgument` for a missing required input or a literal of the wrong kind.
 * @internal
 */
export async function decodeInputs(
  iface: InterfaceDecl,
  inputs: LiteralMap,
  ctx: TypeContext,
  label: string,
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(iface.inputs)) {
    const literal = inputs.literals[name];
    if (literal === undefined) {
      if (v.optional) {
        values[name] = null;
        continue;
      }
      throw AloftError.invalidArgument(`${label}: input "${name}" is missing`);
    }
    values[name] = await decodeOne(name, v, literal, ctx);
  }
  return values;
}

/**
 * What a body returned, as an object of output values: the value itself for a single output, the
 * returned object for named outputs, nothing for none.
 *
 * @throws AloftError `InvalidArgument` when the result does not match the outputs.
 * @internal
 */
export function outputValues(iface: InterfaceDecl, result: unknown, label: string): Record<string, unknown> {
  const names = Object.keys(iface.outputs);
  if (iface.single) return { [names[0] ?? "o0"]: result };
  if (names.length === 0) return {};
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    throw AloftError.invalidArgument(
      `${label} must return an object with its outputs ${names.join(", ")}, got ${result === null ? "null" : typeof result}`,
    );
  }
  const values = result as Record<string, unknown>;
  const unknown = Object.keys(values).filter((k) => !(k in iface.outputs));
  if (unknown.length > 0) {
    throw AloftError.invalidArgument(`${label} returned unknown output ${unknown.map((k) => `"${k}"`).join(", ")}`);
  }
  return values;
}

/**
 * Output literals from output values, converted (and uploaded) by the declared types; an optional
 * output left out becomes none.
 *
 * @throws AloftError `InvalidArgument` for a missing required output or a value of the wrong type.
 * @internal
 */
export async function encodeOutputs(
  iface: InterfaceDecl,
  values: Record<string, unknown>,
  ctx: TypeContext,
  label: string,
): Promise<LiteralMap> {
  const literals: Record<string, Literal> = {};
  for (const [name, v] of Object.entries(iface.outputs)) {
    let value = values[name];
    if (value === undefined) {
      if (!v.optional) throw AloftError.invalidArgument(`${label} returned no value for output "${name}"`);
      value = null;
    }
    const path = `outputs.${name}`;
    literals[name] =
      v.type !== undefined
        ? await v.type.toLiteral(value as never, ctx, { path })
        : literalFromJs(value, v.literalType, { path });
  }
  return create(LiteralMapSchema, { literals });
}
