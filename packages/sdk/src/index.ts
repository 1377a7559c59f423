/**
 * `@aloft/sdk`: typed tasks and workflows for Aloft and Flyte 1, and running them locally.
 *
 * ```ts
 * import { run, t, task, workflow } from "@aloft/sdk";
 *
 * export const sayHello = task(
 *   { inputs: { name: t.string() }, outputs: { greeting: t.string() }, retries: 2, cache: { version: "1" } },
 *   async ({ name }) => ({ greeting: `Hello, ${name}!` }),
 * );
 * export const square = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);
 *
 * export const helloWorld = workflow(
 *   { inputs: { name: t.string(), n: t.int() }, outputs: { greeting: t.string(), sq: t.int() } },
 *   ({ name, n }) => {
 *     const hello = sayHello({ name }); // a node: hello.greeting is a Ref<string>
 *     const sq = square({ x: n }).withOverrides({ retries: 5 }).after(hello);
 *     return { greeting: hello.greeting, sq };
 *   },
 * );
 *
 * const { greeting, sq } = await run(helloWorld, { name: "world", n: 3 });
 * console.log(greeting, sq); // Hello, world! 9
 * ```
 *
 * Interfaces are declared with `t.*` types and TypeScript infers everything else, so an unbound,
 * unknown or wrongly typed input is an error in the editor; what types cannot say is checked when the
 * workflow is defined, with the file and line of the offending call. `run()` executes the compiled
 * workflow locally, exactly as Flyte would run it; `aloft run file.ts helloWorld --name world --n 3`
 * does the same from a shell. Mocks for tests: `@aloft/sdk/testing`.
 */

// Types and values.
export { t } from "./types/t.js";
export type {
  DataframeRow,
  DataframeTypeOf,
  DirectoryTypeOf,
  EnumTypeOf,
  FileTypeOf,
  ListTypeOf,
  MapTypeOf,
  OptionalTypeOf,
  RecordTypeOf,
  UnionTypeOf,
} from "./types/t.js";
export { FlyteFile } from "./types/flyte-file.js";
export type { FlyteFileOptions } from "./types/flyte-file.js";
export { FlyteDirectory } from "./types/flyte-directory.js";
export type { FlyteDirectoryOptions } from "./types/flyte-directory.js";
export { StructuredDataset } from "./types/structured-dataset.js";
export type { StructuredDatasetOptions } from "./types/structured-dataset.js";
export type { DataframeOptions } from "./types/dataframe-type.js";
export type { DataframeFormat, DatasetRow } from "./types/dataset-formats.js";
export type { DirectoryTypeOptions } from "./types/directory-type.js";
export type { FileTypeOptions } from "./types/file-type.js";
export type { RecordOptions } from "./types/record-type.js";
export type { TypeKind } from "./types/base-type.js";
export { isType, typeKind } from "./types/type-kind.js";
export { typeFromLiteralType } from "./types/type-from-literal-type.js";
export { TYPE_BRAND } from "./types/type.js";
export type { AnyType, ConvertOptions, Infer, Shape, Type, TypeContext, ValuesOf } from "./types/type.js";

// Tasks.
export { task } from "./entities/task.js";
export type { TaskOptions } from "./entities/task.js";
export type { CacheOptions, CommonTaskOptions } from "./entities/task-options.js";
export type { Checkpoint, TaskContext } from "./entities/task-context.js";
export { dynamic } from "./entities/dynamic.js";
export type { DynamicOptions } from "./entities/dynamic.js";
export { map } from "./entities/map-task.js";
export type { MapOptions } from "./entities/map-task.js";
export { containerTask } from "./entities/container-task.js";
export type { ContainerTaskOptions } from "./entities/container-task.js";
export type { PodTemplate, ResourceSpec, SecretRequest } from "./entities/resources.js";
export { RecoverableError } from "./run/recoverable-error.js";
export type { RecoverableErrorOptions } from "./run/recoverable-error.js";

// Workflows and what their bodies use.
export { workflow } from "./entities/workflow.js";
export type { FailurePolicy, WorkflowOptions } from "./entities/workflow.js";
export { and, conditional, eq, gt, gte, isFalse, isNone, isTrue, lt, lte, ne, or } from "./workflow/conditional.js";
export type {
  BranchResult,
  BranchValue,
  Comparable,
  Condition,
  ConditionalChain,
  ConditionalStart,
} from "./workflow/conditional.js";
export { approve, sleep, waitForInput } from "./workflow/gates.js";
export type { GateOptions } from "./workflow/gates.js";
export { isRef } from "./workflow/ref.js";
export type { Ref, RefAccess, RefBase } from "./workflow/ref.js";
export type { NodeHandle, NodeLike, NodeMethods, NodeOutputs, NodeRef } from "./workflow/node-result.js";
export type { NodeOverrides } from "./workflow/overrides.js";

// Launch plans and references.
export { cron, defaultLaunchPlan, fixedRate, launchPlan } from "./entities/launch-plan.js";
export type { CronOptions, LaunchPlanOptions, Notification, RateDuration, Schedule } from "./entities/launch-plan.js";
export { referenceLaunchPlan, referenceTask, referenceWorkflow } from "./entities/reference.js";
export type { ReferenceInterface } from "./entities/reference.js";
export type { NotificationPhase, ReferenceId, SecurityContextDecl as SecurityContextOptions } from "./entities/decl.js";

// The types of entities.
export type {
  Bindable,
  BindingsOf,
  BodyOutput,
  CallArgs,
  CallResult,
  FunctionTask,
  LaunchPlan,
  ListOf,
  MappedInputs,
  MappedOutputs,
  NoShape,
  OutputValue,
  RefsOf,
  SingleOutput,
  Task,
  Workflow,
} from "./entities/entity-types.js";
export { ENTITY_BRAND, isEntity } from "./entities/entity.js";
export type { CallSite, EntityBase, EntityKind, EntityLocation } from "./entities/entity.js";
export type { RunnableTask, TaskExecutionContext, TaskResult } from "./entities/task-result.js";
export type { SerializationSettings } from "./serialize/serialization-settings.js";
export { TS_TASK_TYPE } from "./serialize/serialization-settings.js";

// Running locally.
export { run } from "./run/run.js";
export type { RunArgs, RunInputs } from "./run/run.js";
export type { RunEvent, RunOptions, SignalHandler, SignalRequest } from "./run/run-options.js";
export { RunFailure } from "./run/run-failure.js";
export type { RunFailureOptions } from "./run/run-failure.js";
export type { LocalCacheMode } from "./local/local-cache.js";
export type { LocalNodeEventKind, LocalNodeKind } from "./local/local-run-result.js";
