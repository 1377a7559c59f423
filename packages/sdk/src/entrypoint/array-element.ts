import { create } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";

type Env = Readonly<Record<string, string | undefined>>;

function integer(value: string | undefined, what: string): number {
  if (value === undefined || value === "") return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw AloftError.invalidArgument(`${what} is not a non-negative integer: ${value}`);
  return n;
}

/**
 * The element a map task's container runs, as flytekit's `_compute_array_job_index`: the value of the
 * variable `BATCH_JOB_ARRAY_INDEX_VAR_NAME` names (propeller's ArrayNode sets it to
 * `FLYTE_K8S_ARRAY_INDEX`), plus `BATCH_JOB_ARRAY_INDEX_OFFSET`; 0 when unset.
 *
 * @throws AloftError `InvalidArgument` when a variable holds something other than a non-negative integer.
 */
export function arrayJobIndex(env: Env): number {
  const offset = integer(env.BATCH_JOB_ARRAY_INDEX_OFFSET, "BATCH_JOB_ARRAY_INDEX_OFFSET");
  const name = env.BATCH_JOB_ARRAY_INDEX_VAR_NAME;
  return offset + (name === undefined || name === "" ? 0 : integer(env[name], name));
}

/**
 * One element's inputs from a map task's inputs, as propeller's ArrayNode and flytekit's
 * `ArrayNodeMapTask` pick them: element `index` of every collection input not `bound`; bound inputs,
 * and inputs that are not collections (an engine that already picked the element), as they are.
 *
 * @throws AloftError `InvalidArgument` when a collection has no element `index`.
 */
export function arrayElementInputs(inputs: LiteralMap, index: number, bound: readonly string[]): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(inputs.literals)) {
    if (bound.includes(name) || literal.value.case !== "collection") {
      literals[name] = literal;
      continue;
    }
    const items = literal.value.value.literals;
    const element = items[index];
    if (element === undefined) {
      throw AloftError.invalidArgument(`index ${index} out of bounds for input "${name}" of ${items.length} elements`);
    }
    literals[name] = element;
  }
  return create(LiteralMapSchema, { literals });
}
