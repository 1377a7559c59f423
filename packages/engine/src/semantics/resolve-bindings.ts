/*
 * Input resolution as propeller does it (nodes/resolve.go, output_resolver.go, var_name_parser.go):
 * scalars are used as given, collections and maps recursively, and promises read the producer's
 * outputs through its output aliases, pick `[index]` when the variable asks for one, then walk the
 * attribute path. Literals are shared with their producers, never copied: nothing here mutates them.
 */
import { create } from "@bufbuild/protobuf";
import {
  LiteralSchema,
  type Binding,
  type BindingData,
  type Literal,
  type LiteralMap,
  LiteralMapSchema,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { Alias } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { resolveAttrPath } from "./attr-path.js";
import { NodeError } from "./execution-errors.js";

/** Where promises find their producers' outputs. */
export interface OutputSource {
  /**
   * The producer's outputs and output aliases; `outputs` is undefined when it has none (not run,
   * skipped, failed). `undefined` when no node has that id.
   */
  producer(nodeId: string): { outputs: LiteralMap | undefined; aliases: readonly Alias[] } | undefined;
}

/**
 * Resolves a node's input bindings (propeller's `Resolve`). Throws {@link NodeError} with code
 * `BindingResolutionError` naming the variable, caused by what went wrong.
 */
export function resolveBindings(nodeId: string, bindings: readonly Binding[], source: OutputSource): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const binding of bindings) {
    try {
      literals[binding.var] = resolveBindingData(binding.binding, source);
    } catch (e) {
      throw new NodeError(
        nodeId,
        "BindingResolutionError",
        `Error binding Var [wf].[${binding.var}]`,
        e instanceof Error ? e : new Error(String(e)),
      );
    }
  }
  return create(LiteralMapSchema, { literals });
}

/** One binding's value (propeller's `ResolveBindingData`). */
export function resolveBindingData(data: BindingData | undefined, source: OutputSource): Literal {
  const v = data?.value;
  switch (v?.case) {
    case "scalar":
      return create(LiteralSchema, { value: { case: "scalar", value: v.value } });
    case "collection":
      return create(LiteralSchema, {
        value: { case: "collection", value: { literals: v.value.bindings.map((b) => resolveBindingData(b, source)) } },
      });
    case "map": {
      const literals: Record<string, Literal> = {};
      for (const [key, b] of Object.entries(v.value.bindings)) literals[key] = resolveBindingData(b, source);
      return create(LiteralSchema, { value: { case: "map", value: { literals } } });
    }
    case "promise": {
      const { nodeId, var: varName, attrPath } = v.value;
      if (nodeId === "") {
        throw new NodeError(
          "missing",
          "BadSpecificationError",
          "No nodeId (missing) specified for binding in Workflow.",
        );
      }
      const producer = source.producer(nodeId);
      if (producer === undefined) {
        throw new NodeError("id", "IllegalStateError", `Undefined node in Workflow [${nodeId}]`);
      }
      const output = extractOutput(nodeId, producer, varName);
      return attrPath.length > 0 ? resolveAttrPath(nodeId, output, attrPath) : output;
    }
    default:
      // Go leaves the literal empty for bindings it has no case for (offloaded or unset ones).
      return create(LiteralSchema);
  }
}

const VAR_NAME = /(\[(\d+)\]\.)?(\w+)/g;

/** propeller's `ParseVarName`: `name` or `[index].name`; anything else is an error. */
export function parseVarName(varName: string): { index: number | undefined; name: string } {
  const matches = [...varName.matchAll(VAR_NAME)];
  const [only] = matches;
  if (matches.length !== 1 || only === undefined) throw new Error(`unexpected number of matches [${matches.length}]`);
  return { index: only[2] === undefined ? undefined : Number(only[2]), name: only[3] ?? "" };
}

function extractOutput(
  nodeId: string,
  producer: { outputs: LiteralMap | undefined; aliases: readonly Alias[] },
  bindToVar: string,
): Literal {
  const parsed = parseVarName(bindToVar);
  let name = parsed.name;
  const aliased = producer.aliases.find((a) => a.alias === name);
  if (aliased !== undefined) name = aliased.var;

  if (producer.outputs === undefined) {
    throw new NodeError(nodeId, "OutputsNotFoundError", `Outputs not found for node [${nodeId}]`);
  }
  const literal = producer.outputs.literals[name];
  if (parsed.index === undefined) {
    if (literal === undefined)
      throw new NodeError(nodeId, "OutputsNotFoundError", `Failed to find [${nodeId}].[${name}]`);
    return literal;
  }
  if (literal === undefined) {
    throw new NodeError(
      nodeId,
      "BadSpecificationError",
      "Output of array tasks is expected to be a single literal map entry named 'array' of type LiteralCollection.",
    );
  }
  if (literal.value.case !== "collection") {
    throw new NodeError(
      nodeId,
      "BadSpecificationError",
      `Output of array tasks of key 'array' is of type [${literal.value.case ?? "<nil>"}]. LiteralCollection is expected.`,
    );
  }
  const element = literal.value.value.literals[parsed.index];
  if (element === undefined) {
    throw new NodeError(nodeId, "OutputsNotFoundError", `Failed to find [${nodeId}[${parsed.index}].${name}]`);
  }
  return element;
}
