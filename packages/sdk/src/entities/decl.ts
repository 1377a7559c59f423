import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { AnyType } from "../types/type.js";
import type { BindingSpec, NodeSpec, Scope } from "../workflow/model.js";
import type { EntityBase } from "./entity.js";
import type { PodTemplate, ResourceSpec, SecretRequest } from "./resources.js";

// What serialization reads from entities. Entities keep it under DECL, so the serializer depends on
// these plain shapes and never on the modules that create entities (which call the serializer).

/** Where an entity keeps its declaration. @internal */
export const DECL: unique symbol = Symbol.for("aloft.sdk.decl") as never;

/** One variable of an interface. @internal */
export interface VarDecl {
  literalType: LiteralType;
  /** The SDK type; absent only for interfaces derived from literal types. */
  type: AnyType | undefined;
  /** `Variable.description`: the type's description, else the variable's name (as flytekit). */
  description: string;
  optional: boolean;
}

/** A typed interface, in declaration order. @internal */
export interface InterfaceDecl {
  inputs: Readonly<Record<string, VarDecl>>;
  outputs: Readonly<Record<string, VarDecl>>;
  /** Declared with `output:`: one output named `o0` whose ref is the call's result. */
  single: boolean;
}

/** Task caching, resolved (a version is always known). @internal */
export interface CacheDecl {
  version: string;
  serialize: boolean;
  ignoredInputs: readonly string[];
}

/** `TaskMetadata` settings of a task. @internal */
export interface TaskMetadataDecl {
  retries: number;
  timeoutMs: number | undefined;
  interruptible: boolean | undefined;
  cache: CacheDecl | undefined;
  deprecated: string | undefined;
  podTemplateName: string | undefined;
  /** `TaskMetadata.metadata` (labels and annotations of the task's pod). */
  labels: Readonly<Record<string, string>> | undefined;
  annotations: Readonly<Record<string, string>> | undefined;
}

/** How a task's container is set up. @internal */
export interface ContainerDecl {
  /** An image or `{{.image.<name>.fqn}}`-style template; the settings' default image when absent. */
  image: string | undefined;
  env: Readonly<Record<string, string>>;
  requests: ResourceSpec | undefined;
  limits: ResourceSpec | undefined;
  secrets: readonly SecretRequest[];
  podTemplate: PodTemplate | undefined;
}

/** A registered entity's id, for references. @internal */
export interface ReferenceId {
  project: string;
  domain: string;
  name: string;
  version: string;
}

/** A task made by `task()` or `dynamic()`: runs TypeScript code (`ts-task`). @internal */
export interface FunctionTaskDecl {
  kind: "function";
  mode: "default" | "dynamic";
  iface: InterfaceDecl;
  metadata: TaskMetadataDecl;
  container: ContainerDecl;
  description: string | undefined;
}

/** A task made by `containerTask()`: any image, data through copilot (`raw-container`). @internal */
export interface ContainerTaskDecl {
  kind: "container";
  iface: InterfaceDecl;
  metadata: TaskMetadataDecl;
  container: ContainerDecl & { image: string };
  command: readonly string[];
  args: readonly string[];
  inputDataDir: string;
  outputDataDir: string;
  metadataFormat: "json" | "yaml" | "proto";
  description: string | undefined;
}

/** A task made by `map()`: the mapped task with a list interface, run as an ArrayNode. @internal */
export interface MapTaskDecl {
  kind: "map";
  inner: TaskEntityLike;
  iface: InterfaceDecl;
  /** Inputs passed whole to every element (not mapped over), sorted. */
  bound: readonly string[];
  concurrency: number | undefined;
  minSuccesses: number | undefined;
  minSuccessRatio: number | undefined;
}

/** A task registered elsewhere, called by id. @internal */
export interface ReferenceTaskDecl {
  kind: "reference";
  iface: InterfaceDecl;
  id: ReferenceId;
}

/** @internal */
export type TaskDecl = FunctionTaskDecl | ContainerTaskDecl | MapTaskDecl | ReferenceTaskDecl;

/** What a workflow body built. @internal */
export interface WorkflowGraph {
  scope: Scope;
  /** The top-level nodes, in creation order. */
  nodes: readonly NodeSpec[];
  outputs: readonly BindingSpec[];
  failureNode: NodeSpec | undefined;
}

/** A workflow made by `workflow()`. @internal */
export interface WorkflowDecl {
  kind: "workflow";
  iface: InterfaceDecl;
  /** Input defaults (JS values), which the default launch plan offers and callers may leave out. */
  defaults: Readonly<Record<string, unknown>>;
  /** Their literals. */
  defaultLiterals: Readonly<Record<string, Literal>>;
  failurePolicy: "failImmediately" | "failAfterExecutableNodesComplete";
  interruptible: boolean;
  description: string | undefined;
  /** Set once the body has run (right after the workflow is created). */
  graph: WorkflowGraph | undefined;
}

/** A workflow registered elsewhere. @internal */
export interface ReferenceWorkflowDecl {
  kind: "reference";
  iface: InterfaceDecl;
  id: ReferenceId;
}

/** A launch plan's schedule. @internal */
export type ScheduleDecl =
  | { kind: "cron"; schedule: string; offset: string | undefined; kickoffInput: string | undefined }
  | { kind: "rate"; value: number; unit: "minute" | "hour" | "day"; kickoffInput: string | undefined };

/** The terminal phases notifications fire on. */
export type NotificationPhase = "succeeded" | "failed" | "aborted" | "timedOut";

/** A launch plan notification. */
export interface NotificationDecl {
  kind: "email" | "slack" | "pagerDuty";
  phases: readonly NotificationPhase[];
  recipients: readonly string[];
}

/** Who executions run as (flyteidl `SecurityContext`). */
export interface SecurityContextDecl {
  runAs?: { k8sServiceAccount?: string; iamRole?: string; executionIdentity?: string };
  secrets?: readonly SecretRequest[];
}

/** A launch plan made by `launchPlan()` or `defaultLaunchPlan()`. @internal */
export interface LaunchPlanDecl {
  kind: "launch-plan";
  workflow: WorkflowEntityLike;
  /** The default launch plan of its workflow: named like it, with no settings of its own. */
  isDefault: boolean;
  defaultInputs: Readonly<Record<string, unknown>>;
  defaultLiterals: Readonly<Record<string, Literal>>;
  fixedInputs: Readonly<Record<string, unknown>>;
  fixedLiterals: Readonly<Record<string, Literal>>;
  schedule: ScheduleDecl | undefined;
  notifications: readonly NotificationDecl[];
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  maxParallelism: number | undefined;
  securityContext: SecurityContextDecl | undefined;
  rawOutputPrefix: string | undefined;
  overwriteCache: boolean;
  autoActivate: boolean;
}

/** A launch plan registered elsewhere. @internal */
export interface ReferenceLaunchPlanDecl {
  kind: "reference";
  iface: InterfaceDecl;
  id: ReferenceId;
}

/** A task entity, as serialization sees it. @internal */
export interface TaskEntityLike extends EntityBase {
  readonly [DECL]: TaskDecl;
}

/** A workflow entity, as serialization sees it. @internal */
export interface WorkflowEntityLike extends EntityBase {
  readonly [DECL]: WorkflowDecl | ReferenceWorkflowDecl;
}

/** A launch plan entity, as serialization sees it. @internal */
export interface LaunchPlanEntityLike extends EntityBase {
  readonly [DECL]: LaunchPlanDecl | ReferenceLaunchPlanDecl;
}

/** Any entity with a declaration. @internal */
export type DeclaredEntity = TaskEntityLike | WorkflowEntityLike | LaunchPlanEntityLike;

/** Whether `value` is an entity of this SDK with a declaration. @internal */
export function isDeclared(value: unknown): value is DeclaredEntity {
  return (typeof value === "object" || typeof value === "function") && value !== null && DECL in value;
}
