/*
 * The rules of array nodes, Flyte's map tasks (propeller's nodes/array): every list input not bound
 * whole is sliced and all such lists must have one length; element i gets element i of each; the node
 * needs `min_successes` (or the ratio of the size) elements to succeed, runs at most `parallelism` at a
 * time, and gathers each output into a list in index order, with `none` for elements that did not
 * succeed. How elements are scheduled is the executor's business; these are the pure parts.
 */
import { clone, create } from "@bufbuild/protobuf";
import { inferLiteralType } from "@aloft/compiler";
import type { ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { VariableSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  LiteralMapSchema,
  LiteralSchema,
  type Literal,
  type LiteralMap,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { ArrayNode } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { systemError, userError } from "./execution-errors.js";

/** propeller's `events.MaxErrorMessageLength`: the cap of an array node's summary of element errors. */
export const MAX_ERROR_MESSAGE_LENGTH = 102_400;

/** How many elements an array node has, or why its inputs cannot be mapped. */
export type ArraySize = { ok: true; size: number } | { ok: false; error: ExecutionError };

/**
 * propeller's sizing rules: every input that is a list and not in `boundInputs` is mapped over, and all
 * of them must have one length; with every input bound whole there is one element. The error is the
 * USER (or, for offloaded literals, SYSTEM) failure propeller reports.
 */
export function arrayNodeSize(inputs: LiteralMap, boundInputs: ReadonlySet<string>): ArraySize {
  let size = -1;
  for (const [name, literal] of Object.entries(inputs.literals)) {
    if (boundInputs.has(name)) continue;
    const type = inferLiteralType(literal);
    if (type === undefined) {
      return {
        ok: false,
        error: userError(
          "IDLNotFoundErr",
          `Failed to validate literal type for [${name}] with err: unknown literal type`,
        ),
      };
    }
    if (literal.value.case === "offloadedMetadata") {
      return { ok: false, error: systemError("RuntimeExecutionError", "couldn't read the offloaded literal") };
    }
    if (type.type.case !== "collectionType") continue;
    const length = literal.value.case === "collection" ? literal.value.value.literals.length : 0;
    if (size === -1) size = length;
    else if (size !== length) {
      return {
        ok: false,
        error: userError(
          "InvalidArrayLength",
          `input arrays have different lengths: expecting '${size}' found '${length}'`,
        ),
      };
    }
  }
  if (size !== -1) return { ok: true, size };
  // Every input bound whole: one element.
  if (boundInputs.size === Object.keys(inputs.literals).length) return { ok: true, size: 1 };
  return { ok: false, error: userError("InvalidArrayLength", "no input array provided") };
}

/** How many of `size` elements must succeed: `min_successes`, the ratio's share, or all of them. */
export function arrayMinSuccesses(arrayNode: ArrayNode, size: number): number {
  const criteria = arrayNode.successCriteria;
  if (criteria.case === "minSuccesses") return criteria.value;
  // The ratio is a float32 in the proto and Go widens it before multiplying: 0.3 × 10 needs 4.
  if (criteria.case === "minSuccessRatio") return Math.ceil(Math.fround(criteria.value) * size);
  return size;
}

/** Most elements running at once; 0 means no limit (propeller's default for an unset or zero parallelism). */
export function arrayParallelism(arrayNode: ArrayNode): number {
  const option = arrayNode.parallelismOption;
  return option.case === "parallelism" && option.value > 0 ? option.value : 0;
}

/** propeller's `constructLiteralMap`: element `index` of each list not bound whole; everything else as is. */
export function arrayElementInputs(inputs: LiteralMap, boundInputs: ReadonlySet<string>, index: number): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(inputs.literals)) {
    const element =
      literal.value.case === "collection" && !boundInputs.has(name) ? literal.value.value.literals[index] : undefined;
    literals[name] = element ?? literal;
  }
  return create(LiteralMapSchema, { literals });
}

/**
 * The task as each element sees it: list outputs become their element types (propeller's
 * `arrayTaskReader`). Returns `task` itself when it has no list outputs.
 */
export function arrayElementTask(task: TaskTemplate): TaskTemplate {
  const outputs = task.interface?.outputs?.variables ?? {};
  if (!Object.values(outputs).some((v) => v.type?.type.case === "collectionType")) return task;
  const copy = clone(TaskTemplateSchema, task);
  const variables = copy.interface?.outputs?.variables ?? {};
  for (const [name, variable] of Object.entries(variables)) {
    if (variable.type?.type.case === "collectionType") {
      variables[name] = create(VariableSchema, { type: variable.type.type.value, description: variable.description });
    }
  }
  return copy;
}

/** Options of {@link gatherArrayOutputs}. */
export interface GatherArrayOutputsOptions {
  /** Each element's outputs in index order; undefined for an element that did not succeed. */
  elements: readonly (LiteralMap | undefined)[];
  /** The sub-node's declared output names (padded with `none` for elements without outputs). */
  outputNames: readonly string[];
}

/** The array node's outputs: one list per output, in index order, `none` where an element did not succeed. */
export function gatherArrayOutputs(options: GatherArrayOutputsOptions): LiteralMap {
  const lists = new Map<string, Literal[]>(options.outputNames.map((name) => [name, []]));
  const append = (name: string, literal: Literal): void => {
    let list = lists.get(name);
    if (list === undefined) lists.set(name, (list = []));
    list.push(literal);
  };
  for (const outputs of options.elements) {
    if (outputs !== undefined) {
      for (const [name, literal] of Object.entries(outputs.literals)) append(name, literal);
    } else {
      for (const name of options.outputNames) append(name, noneLiteral());
    }
  }
  const literals: Record<string, Literal> = {};
  for (const [name, list] of lists) {
    literals[name] = create(LiteralSchema, { value: { case: "collection", value: { literals: list } } });
  }
  return create(LiteralMapSchema, { literals });
}

function noneLiteral(): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });
}
