/**
 * Flyte's compile error codes (flytepropeller/pkg/compiler/errors/compiler_errors.go), same names and
 * meanings, so messages and tooling line up with Flyte's.
 */
export type CompileErrorCode =
  /** The graph has a cycle; the message lists the path. */
  | "CycleDetected"
  /** A branch case has no then-node. */
  | "BranchNodeIdNotFound"
  /** A branch (or one of its cases) has no condition. */
  | "BranchNodeHasNoCondition"
  /** A branch has neither an else-node nor an else-error. */
  | "BranchNodeHasNoDefault"
  /** A field that must be set is missing. */
  | "ValueRequired"
  /** A field is set but malformed. */
  | "InvalidValue"
  /** A binding or dependency names a node the workflow does not have. */
  | "NodeReferenceNotFound"
  /** A node references a task that was not supplied. */
  | "TaskReferenceNotFound"
  /** A node references a sub-workflow or launch plan that was not supplied. */
  | "WorkflowReferenceNotFound"
  /** A binding or condition names a variable the interface does not have. */
  | "VariableNameNotFound"
  /** An output is aliased twice. */
  | "DuplicateAlias"
  /** Two entities share one id. */
  | "DuplicateId"
  /** A value's type cannot be cast to the type that receives it. */
  | "MismatchingTypes"
  /** A list or map binding feeds an input that is not a list or map. */
  | "MismatchingBindings"
  /** Two interfaces that must match do not. */
  | "MismatchingInterfaces"
  /** Types that must agree do not. */
  | "InconsistentTypes"
  /** An input is bound more than once. */
  | "ParameterBoundMoreThanOnce"
  /** A required input, a workflow output or an output alias is not bound. */
  | "ParameterNotBound"
  /** No node can start the workflow. */
  | "NoEntryNodeFound"
  /** Some nodes cannot be reached from the start node. */
  | "UnreachableNodes"
  /** A value is outside what is recognised (e.g. a resource quantity). */
  | "UnrecognizedValue"
  /** Building the workflow failed for another reason. */
  | "WorkflowBuildError"
  /** A value that must be unique is not. */
  | "ValueCollision"
  /** A value does not parse (e.g. a promise variable name). */
  | "SyntaxError"
  /** The workflow has no nodes. */
  | "NoNodesFound"
  /** A value bound to an enum input is not one of the enum's values. */
  | "IllegalEnumValue"
  /** A list/map binding matches more than one variant of a union input. */
  | "AmbiguousBindingUnionValue"
  /** A list/map binding matches no variant of a union input. */
  | "IncompatibleBindingUnionValue"
  /** A gate node has no approve, signal or sleep condition. */
  | "NoConditionFound"
  /** An attribute path names a field the dataclass does not have. */
  | "FieldNotFound"
  /** A literal's type cannot be inferred or is malformed. */
  | "InvalidLiteralType";

/** One problem found by the compiler, at the node (or pseudo-node such as `start-node`, `root`) where it was found. */
export interface CompileError {
  code: CompileErrorCode;
  nodeId: string;
  message: string;
}

/** Either the compiled value or every error found (never both). */
export type CompileResult<T> = { ok: true; value: T } | { ok: false; errors: CompileError[] };

/** Readable one-liner per error: `<code> at node <nodeId>: <message>` (`<code>: <message>` when no node applies). */
export function formatCompileError(e: CompileError): string {
  return e.nodeId === "" ? `${e.code}: ${e.message}` : `${e.code} at node ${e.nodeId}: ${e.message}`;
}

/** Builds a {@link CompileError}; kept as the one constructor so every error has the same shape. */
export function compileError(code: CompileErrorCode, nodeId: string, message: string): CompileError {
  return { code, nodeId, message };
}

/** Orders errors like Flyte's error set listing: by code, then node, then message. */
export function compareCompileErrors(a: CompileError, b: CompileError): number {
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  if (a.nodeId !== b.nodeId) return a.nodeId < b.nodeId ? -1 : 1;
  if (a.message !== b.message) return a.message < b.message ? -1 : 1;
  return 0;
}
