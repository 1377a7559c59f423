import { AloftError } from "@aloft/idl";
import { DECL, isDeclared, type InterfaceDecl, type VarDecl, type WorkflowEntityLike } from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { typeFromLiteralType } from "../types/type-from-literal-type.js";
import type { AnyType } from "../types/type.js";
import { formatRunValue } from "./format-run-value.js";

/** One input of a runnable entity, as `aloft run` offers it as a flag. */
export interface RunInputDescription {
  name: string;
  /** The input's type; `type.parseText` reads a command-line value. */
  type: AnyType;
  /** Its description, when one was given (`t.int().describe("…")`). */
  description: string | undefined;
  /** Whether it must be given: not optional and without a default. */
  required: boolean;
  /** Its default (workflow default, launch plan default input), or its fixed value, as `aloft run` prints values. */
  defaultText: string | undefined;
  /** Fixed by the launch plan: it cannot be given. */
  fixed: boolean;
}

/** What `aloft run` needs to know about an entity: its inputs, and whether it has a single output. */
export interface RunInterfaceDescription {
  /** The entity's description (a launch plan's is its workflow's), when it has one. */
  description: string | undefined;
  inputs: RunInputDescription[];
  /** Declared with `output:`: `run()` returns the value itself. */
  singleOutput: boolean;
  /** The output names and type names, for help. */
  outputs: { name: string; typeName: string }[];
}

function typeOf(v: VarDecl): AnyType {
  return v.type ?? typeFromLiteralType(v.literalType);
}

function describeVar(
  name: string,
  v: VarDecl,
  defaults: Readonly<Record<string, unknown>>,
  fixed: ReadonlySet<string>,
) {
  const type = typeOf(v);
  const hasDefault = Object.hasOwn(defaults, name);
  return {
    name,
    type,
    description: type.description,
    required: !v.optional && !hasDefault && !fixed.has(name),
    defaultText: hasDefault ? formatRunValue(defaults[name]) : undefined,
    fixed: fixed.has(name),
  };
}

/**
 * The inputs and outputs of a task, workflow or launch plan, as `aloft run` turns them into flags
 * and help: types, descriptions, defaults (workflow defaults, then a launch plan's default inputs) and
 * inputs a launch plan fixes.
 *
 * @throws AloftError `InvalidArgument` for something that is not an entity of this SDK.
 */
export function describeRunInterface(entity: EntityBase): RunInterfaceDescription {
  if (!isDeclared(entity)) throw AloftError.invalidArgument("expected a task, workflow or launch plan of this SDK");
  const decl = entity[DECL];
  let iface: InterfaceDecl;
  let defaults: Readonly<Record<string, unknown>> = {};
  let fixed: ReadonlySet<string> = new Set();
  let description: string | undefined;
  if (decl.kind === "launch-plan") {
    const wf = (decl.workflow as WorkflowEntityLike)[DECL];
    iface = wf.iface;
    description = wf.kind === "workflow" ? wf.description : undefined;
    defaults = { ...(wf.kind === "workflow" ? wf.defaults : {}), ...decl.defaultInputs, ...decl.fixedInputs };
    fixed = new Set(Object.keys(decl.fixedInputs));
  } else if (decl.kind === "workflow") {
    iface = decl.iface;
    defaults = decl.defaults;
    description = decl.description;
  } else {
    iface = decl.iface;
    description = decl.kind === "function" || decl.kind === "container" ? decl.description : undefined;
  }
  return {
    description: description?.trim() || undefined,
    inputs: Object.entries(iface.inputs).map(([name, v]) => describeVar(name, v, defaults, fixed)),
    singleOutput: iface.single,
    outputs: Object.entries(iface.outputs).map(([name, v]) => ({ name, typeName: typeOf(v).name })),
  };
}
