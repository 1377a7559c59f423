import { create } from "@bufbuild/protobuf";
import { AloftError, literalFromJs, literalToJs, noneLiteral } from "@aloft/idl";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { InterfaceDecl } from "../entities/decl.js";
import type { TypeContext } from "../types/type.js";

/** What a run's inputs are converted against. */
export interface InputSpec {
  /** The interface being run. */
  iface: InterfaceDecl;
  /** Literals of inputs that may be left out (workflow defaults, launch plan default inputs). */
  defaults: Readonly<Record<string, Literal>>;
  /** Literals of inputs that a launch plan fixes: they cannot be given. */
  fixed: Readonly<Record<string, Literal>>;
}

/**
 * The input literals of a run: given values converted (and uploaded) with the declared types, then
 * fixed inputs, defaults for inputs left out, and none for optional ones.
 *
 * @throws AloftError `InvalidArgument` naming every unknown, fixed or missing input, or the first value
 * of the wrong type (`inputs.n: expected integer, got "x"`).
 */
export async function runInputLiterals(
  spec: InputSpec,
  given: unknown,
  ctx: TypeContext,
  label: string,
): Promise<LiteralMap> {
  if (given !== undefined && (typeof given !== "object" || given === null || Array.isArray(given))) {
    throw AloftError.invalidArgument(`the inputs of ${label} must be an object ({ name: value, … })`);
  }
  const values = (given ?? {}) as Record<string, unknown>;
  const names = Object.keys(spec.iface.inputs);
  const problems: string[] = [];
  for (const key of Object.keys(values)) {
    if (!(key in spec.iface.inputs)) {
      problems.push(
        `unknown input "${key}" (${names.length === 0 ? "it takes none" : `it takes ${names.join(", ")}`})`,
      );
    } else if (key in spec.fixed && values[key] !== undefined) {
      problems.push(`input "${key}" is fixed by the launch plan and cannot be given`);
    }
  }
  const missing = names.filter(
    (n) => values[n] === undefined && !(n in spec.fixed) && !(n in spec.defaults) && !spec.iface.inputs[n]?.optional,
  );
  if (missing.length > 0) {
    problems.push(`missing input${missing.length === 1 ? "" : "s"} ${missing.map((n) => `"${n}"`).join(", ")}`);
  }
  if (problems.length > 0) throw AloftError.invalidArgument(`${label}: ${problems.join("; ")}`);

  const literals: Record<string, Literal> = {};
  for (const [name, v] of Object.entries(spec.iface.inputs)) {
    const value = values[name];
    const path = `inputs.${name}`;
    if (value !== undefined) {
      literals[name] =
        v.type !== undefined
          ? await v.type.toLiteral(value, ctx, { path })
          : literalFromJs(value, v.literalType, { path });
    } else {
      literals[name] = spec.fixed[name] ?? spec.defaults[name] ?? noneLiteral();
    }
  }
  return create(LiteralMapSchema, { literals });
}

/**
 * A run's outputs as values of the declared types: the value itself for a single output (`output:`),
 * an object of values for named outputs, `undefined` for none.
 */
export async function runOutputValues(iface: InterfaceDecl, outputs: LiteralMap, ctx: TypeContext): Promise<unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(iface.outputs)) {
    const literal = outputs.literals[name];
    if (literal === undefined) {
      throw AloftError.internal(`the run succeeded without output "${name}"`);
    }
    const path = `outputs.${name}`;
    values[name] =
      v.type !== undefined
        ? await v.type.fromLiteral(literal, ctx, { path })
        : literalToJs(literal, v.literalType, { path });
  }
  const names = Object.keys(iface.outputs);
  if (iface.single) return values[names[0] ?? "o0"];
  return names.length === 0 ? undefined : values;
}
