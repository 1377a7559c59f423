import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { AnyType, Infer, Shape, ValuesOf } from "../types/type.js";
import { constantLiteral } from "../workflow/bind.js";
import { callEntity } from "../workflow/call.js";
import { definitionError } from "../workflow/definition-error.js";
import { type BindingSpec, type NodeSpec, Scope } from "../workflow/model.js";
import { bindOutputs } from "../workflow/outputs.js";
import { makeRef } from "../workflow/ref.js";
import { runInScope } from "../workflow/scope.js";
import { checkWorkflowDefinition } from "../serialize/check-definition.js";
import { captureCallSite } from "./call-site.js";
import { makeCallable } from "./callable.js";
import { taskCallee, workflowCallee } from "./callee.js";
import {
  DECL,
  isDeclared,
  type InterfaceDecl,
  type TaskEntityLike,
  type WorkflowDecl,
  type WorkflowEntityLike,
  type WorkflowGraph,
} from "./decl.js";
import { ENTITY_BRAND, type CallSite, type EntityBase, type EntityLocation } from "./entity.js";
import { entityLabel } from "./entity-label.js";
import type { Bindable, BodyOutput, NoShape, RefsOf, SingleOutput, Workflow } from "./entity-types.js";
import { registerEntity } from "./registry.js";
import { checkKnownOptions, interfaceFromOptions, shapesOf } from "./task-options.js";

/** How a workflow reacts to a failed node (flyteidl `WorkflowMetadata.OnFailurePolicy`). */
export type FailurePolicy = "failImmediately" | "failAfterExecutableNodesComplete";

/** Options of {@link workflow}. */
export interface WorkflowOptions<I extends Shape, D> {
  /** The registered name; by default `<module path>.<export name>`. */
  name?: string;
  /** A short description (first line) and details. */
  description?: string;
  /** The inputs, by name. @default {} */
  inputs?: I;
  /**
   * Default values of inputs: callers (and launches of the default launch plan) may leave these out,
   * as Python default arguments of a flytekit workflow.
   */
  defaults?: D;
  /**
   * `failImmediately` stops at the first failed node; `failAfterExecutableNodesComplete` lets the
   * nodes that can still run finish first.
   * @default "failImmediately"
   */
  failurePolicy?: FailurePolicy;
  /**
   * A task or workflow run when the workflow fails (flytekit's `on_failure`). It receives the workflow's
   * inputs, so it must take each of them; other inputs it takes must be optional.
   */
  onFailure?: EntityBase;
  /** The default for the nodes' interruptible flag. @default false */
  interruptible?: boolean;
}

const WORKFLOW_OPTION_NAMES = [
  "name",
  "description",
  "inputs",
  "outputs",
  "output",
  "defaults",
  "failurePolicy",
  "onFailure",
  "interruptible",
];

/** A workflow: its body has already run (once), so its nodes are known. @internal */
export class WorkflowImpl {
  readonly [ENTITY_BRAND] = "workflow" as const;
  readonly kind = "workflow" as const;
  name: string | undefined;
  location: EntityLocation | undefined = undefined;
  readonly declaredAt: CallSite | undefined;
  readonly [DECL]: WorkflowDecl;

  constructor(decl: WorkflowDecl, name: string | undefined, site: CallSite | undefined) {
    this[DECL] = decl;
    this.name = name;
    this.declaredAt = site;
  }

  get inputs(): Shape {
    return shapesOf(this[DECL].iface).inputs;
  }

  get outputs(): Shape {
    return shapesOf(this[DECL].iface).outputs;
  }
}

type AnyBody = (inputs: never) => unknown;

/**
 * Declares a workflow with a single output (`output:`, named `o0`); the body returns its ref.
 */
export function workflow<
  I extends Shape = NoShape,
  X extends AnyType = AnyType,
  D extends Partial<ValuesOf<I>> = NoShape,
>(
  options: WorkflowOptions<I, D> & { output: X; outputs?: never },
  body: (inputs: RefsOf<I>) => Bindable<Infer<X>>,
): Workflow<I, SingleOutput<X>, true, keyof D>;
/**
 * Declares a workflow. The body runs **once, now**, with refs to the inputs instead of values: each
 * call of a task, workflow or launch plan in it adds a node (`n0`, `n1`, … in call order), and what it
 * returns becomes the outputs. Mistakes found meanwhile (unbound or unknown inputs, wrongly typed
 * wires and constants, cycles) throw `AloftError(InvalidArgument)` naming the file and line of the
 * offending call; at the end the whole workflow goes through the compiler.
 *
 * ```ts
 * export const helloWorld = workflow(
 *   { inputs: { name: t.string(), n: t.int() }, outputs: { greeting: t.string(), sq: t.int() } },
 *   ({ name, n }) => {
 *     const hello = sayHello({ name });
 *     const sq = square({ x: n }).withOverrides({ retries: 5 }).after(hello);
 *     return { greeting: hello.greeting, sq };
 *   },
 * );
 * ```
 */
export function workflow<
  I extends Shape = NoShape,
  O extends Shape = NoShape,
  D extends Partial<ValuesOf<I>> = NoShape,
>(
  options: WorkflowOptions<I, D> & { outputs?: O; output?: never },
  body: (inputs: RefsOf<I>) => BodyOutput<O, false>,
): Workflow<I, O, false, keyof D>;
export function workflow(
  options: WorkflowOptions<Shape, Record<string, unknown>> & { outputs?: Shape; output?: AnyType },
  body: AnyBody,
): unknown {
  const site = captureCallSite();
  if (typeof options !== "object" || options === null) {
    throw definitionError(site, "workflow(): the first argument must be an options object");
  }
  const label = typeof options.name === "string" && options.name !== "" ? options.name : "workflow";
  if (typeof body !== "function")
    throw definitionError(site, `${label}: the second argument must be the body function`);
  checkKnownOptions(options, WORKFLOW_OPTION_NAMES, label, site);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    throw definitionError(site, `${label}: name must be a non-empty string`);
  }
  const policy = options.failurePolicy ?? "failImmediately";
  if (policy !== "failImmediately" && policy !== "failAfterExecutableNodesComplete") {
    throw definitionError(
      site,
      `${label}: failurePolicy must be "failImmediately" or "failAfterExecutableNodesComplete"`,
    );
  }
  const iface = interfaceFromOptions(options, label, site);
  const { defaults, defaultLiterals } = compileDefaults(options.defaults, iface, label, site);
  const decl: WorkflowDecl = {
    kind: "workflow",
    iface,
    defaults,
    defaultLiterals,
    failurePolicy: policy,
    interruptible: options.interruptible ?? false,
    description: options.description,
    graph: undefined,
  };
  const entity = makeCallable(new WorkflowImpl(decl, options.name, site), (self, inputs) =>
    callEntity(() => workflowCallee(self), inputs, captureCallSite()),
  );
  decl.graph = buildGraph(entity, body, options.onFailure, site);
  checkWorkflowDefinition(entity);
  registerEntity(entity);
  return entity;
}

/**
 * Checks and encodes default input values.
 * @internal
 */
export function compileDefaults(
  given: Readonly<Record<string, unknown>> | undefined,
  iface: InterfaceDecl,
  label: string,
  site: CallSite | undefined,
): { defaults: Record<string, unknown>; defaultLiterals: Record<string, Literal> } {
  const defaults: Record<string, unknown> = {};
  const defaultLiterals: Record<string, Literal> = {};
  if (given === undefined) return { defaults, defaultLiterals };
  if (typeof given !== "object" || given === null) throw definitionError(site, `${label}: defaults must be an object`);
  for (const [name, value] of Object.entries(given)) {
    const v = iface.inputs[name];
    if (v === undefined) throw definitionError(site, `${label}: defaults names "${name}", which is not an input`);
    if (value === undefined) continue;
    defaultLiterals[name] = constantLiteral(value, v, { site, what: `default of input "${name}" of ${label}` });
    defaults[name] = value;
  }
  return { defaults, defaultLiterals };
}

function isThenable(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function buildGraph(
  wf: WorkflowEntityLike,
  body: AnyBody,
  onFailure: EntityBase | undefined,
  site: CallSite | undefined,
): WorkflowGraph {
  const decl = wf[DECL] as WorkflowDecl;
  const label = entityLabel(wf);
  const scope = new Scope({ kind: "workflow", parent: undefined, prefix: "", owner: label, site });
  const refs: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(decl.iface.inputs)) {
    refs[name] = makeRef({ scope, node: undefined, var: name, attrPath: [], literalType: v.literalType });
  }
  const returned = runInScope(scope, () => (body as (inputs: unknown) => unknown)(refs));
  if (isThenable(returned)) {
    throw definitionError(
      site,
      `the body of ${label} returned a promise: workflow bodies run once, when the workflow is defined, and only ` +
        "wire calls together, so they must not be async (use dynamic() for code that runs at execution time)",
    );
  }
  for (const open of scope.openConditionals) {
    throw definitionError(
      open.site,
      `conditional "${open.name}" is never finished: end it with .else(...) or .fail(...)`,
    );
  }
  const outputs: BindingSpec[] = bindOutputs(
    returned,
    { outputs: decl.iface.outputs, single: decl.iface.single, label },
    scope,
    site,
  );
  const failureNode = onFailure === undefined ? undefined : buildFailureNode(decl, scope, refs, onFailure, label, site);
  checkUniqueIds(scope, site);
  return { scope, nodes: scope.nodes, outputs, failureNode };
}

function buildFailureNode(
  decl: WorkflowDecl,
  scope: Scope,
  refs: Record<string, unknown>,
  handler: EntityBase,
  label: string,
  site: CallSite | undefined,
): NodeSpec {
  if (!isDeclared(handler) || (handler.kind !== "task" && handler.kind !== "workflow")) {
    throw definitionError(site, `${label}: onFailure must be a task or a workflow`);
  }
  const callee =
    handler.kind === "task"
      ? () => taskCallee(handler as TaskEntityLike)
      : () => workflowCallee(handler as WorkflowEntityLike);
  const spec = callee();
  for (const name of Object.keys(decl.iface.inputs)) {
    if (!(name in spec.inputs)) {
      throw definitionError(
        site,
        `${label}: the onFailure handler ${spec.label} must take every input of the workflow, and lacks "${name}"`,
      );
    }
  }
  for (const [name, v] of Object.entries(spec.inputs)) {
    if (!(name in decl.iface.inputs) && !v.optional) {
      throw definitionError(
        site,
        `${label}: input "${name}" of the onFailure handler ${spec.label} is not a workflow input, so it must be optional`,
      );
    }
  }
  // flytekit compiles the handler in its own scope prefixed `f`: its node is `fn0`.
  const failureScope = new Scope({ kind: "failure", parent: scope, prefix: "f", owner: label, site });
  runInScope(failureScope, () => callEntity(callee, refs, site));
  const node = failureScope.nodes[0];
  if (node === undefined) throw definitionError(site, `${label}: the onFailure handler made no node`);
  return node;
}

function checkUniqueIds(scope: Scope, site: CallSite | undefined): void {
  const seen = new Map<string, NodeSpec>();
  for (const n of scope.root.allNodes) {
    if (n.scope.kind === "branch-case") continue;
    const other = seen.get(n.id);
    if (other !== undefined) {
      throw definitionError(n.callSite ?? site, `node id "${n.id}" of ${n.label} is already used by ${other.label}`);
    }
    seen.set(n.id, n);
  }
}
