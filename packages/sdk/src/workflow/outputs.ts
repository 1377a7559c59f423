import type { CallSite } from "../entities/entity.js";
import { describeValue } from "@aloft/idl/internal";
import { bindValue } from "./bind.js";
import { definitionError } from "./definition-error.js";
import { type BindingSpec, NODE_STATE, type NodeSpec, REF_STATE, type Scope, type VarSpec } from "./model.js";

/** What binding a body's result needs. @internal */
export interface OutputsTarget {
  outputs: Readonly<Record<string, VarSpec>>;
  /** Declared with `output:` (one output, returned as itself). */
  single: boolean;
  /** How messages name the workflow or dynamic task (`helloWorld`). */
  label: string;
}

/**
 * The output bindings of a body's result, in declaration order (flytekit binds a workflow's outputs
 * in interface order): for a single output, the returned value; for named outputs, the returned
 * object's entries (extra entries are allowed only on call results, which hold all their outputs);
 * none for a body without outputs, which may return nothing or a call without outputs.
 * @internal
 */
export function bindOutputs(
  returned: unknown,
  target: OutputsTarget,
  scope: Scope,
  site: CallSite | undefined,
): BindingSpec[] {
  const names = Object.keys(target.outputs);
  const deps: NodeSpec[] = [];
  const bind = (name: string, value: unknown): BindingSpec => {
    const v = target.outputs[name] as VarSpec;
    if (value === undefined && !v.optional) {
      throw definitionError(site, `output "${name}" of ${target.label} is not bound: the body returned nothing for it`);
    }
    return { var: name, data: bindValue(value, v, { scope, site, what: `output "${name}" of ${target.label}`, deps }) };
  };
  if (names.length === 0) {
    const isHandle = typeof returned === "object" && returned !== null && NODE_STATE in returned;
    if (returned !== undefined && !isHandle) {
      throw definitionError(
        site,
        `${target.label} declares no outputs, but its body returned ${describeValue(returned)}`,
      );
    }
    return [];
  }
  if (target.single) return [bind(names[0] as string, returned)];
  if (typeof returned !== "object" || returned === null || Array.isArray(returned) || REF_STATE in returned) {
    throw definitionError(
      site,
      `${target.label} declares outputs ${names.join(", ")}, so its body must return an object with them, got ${
        returned === undefined ? "nothing" : describeValue(returned)
      }`,
    );
  }
  const values = returned as Record<string, unknown>;
  if (!(NODE_STATE in returned)) {
    const unknown = Object.keys(values).filter((k) => !(k in target.outputs));
    if (unknown.length > 0) {
      throw definitionError(
        site,
        `${target.label} has no output ${unknown.map((k) => `"${k}"`).join(", ")} (its outputs are ${names.join(", ")})`,
      );
    }
  }
  return names.map((name) => bind(name, values[name]));
}
