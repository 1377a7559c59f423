/**
 * Authoring and serialization: tasks, workflows, launch plans, conditionals, maps, dynamic tasks,
 * gates, references and raw containers, and their serialization to flyteidl exactly as flytekit
 * writes them.
 *
 * ```ts
 * import { t, task, workflow, launchPlan, cron } from "@aloft/sdk";
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
 *     const hello = sayHello({ name });                                        // node n0
 *     const sq = square({ x: n }).withOverrides({ retries: 5 }).after(hello); // node n1
 *     return { greeting: hello.greeting, sq };
 *   },
 * );
 * export const hourly = launchPlan(helloWorld, { fixedInputs: { n: 3 }, defaultInputs: { name: "world" }, schedule: cron("@hourly") });
 * ```
 *
 * ## Design notes
 *
 * - **Schemas first.** Interfaces are declared with `t.*` types; TypeScript infers values, refs and
 *   call signatures from them, so an unbound, unknown or wrongly typed input is a compile error in the
 *   editor. What types cannot say (int vs float, castability, cycles) is checked while the body runs.
 * - **Bodies run once, at definition** (as flytekit's `@workflow`), on refs. Each call adds a node,
 *   numbered `n0, n1, …` in call order; branches number their case nodes in their own sequence and
 *   failure handlers are `fn0` (flytekit's prefixes). Every problem throws `AloftError(InvalidArgument)`
 *   whose message starts with the user's `file:line:column` (captured from `new Error().stack`, skipping
 *   SDK frames; tsx and vitest source-map it). At the end the workflow goes through `@aloft/compiler`,
 *   whose errors are mapped back to the calls that made the nodes.
 * - **Names come late.** An entity is named by its `name` option or, when the module loader exports
 *   it, `<module with / → .>.<exportName>` (`assignLocation`). The in-memory graph therefore holds
 *   entities and nodes, not ids; serialization resolves names with the registration's settings, and
 *   definition-time checks use placeholders for entities not named yet.
 * - **Serialization follows flytekit field by field** (`flytekit/tools/translator.py`): task metadata
 *   with runtime `FLYTE_SDK`/`typescript`, retries always set, `generates_deck` and
 *   `k8s_object_metadata` present; container `args` (`aloft-execute … --resolver aloft -- module <m>
 *   task <name>`, behind `aloft-fast-execute` for bundled code) with an empty command; node metadata
 *   named after the entity's last name part; bindings sorted by variable; an empty `TaskNodeOverrides`
 *   on task nodes; branch inputs named `<node>.<output>`; map tasks as an `ArrayNode` around a sub-node
 *   named like the `…map_<task>_<md5>-arraynode` template (`task_type_version` 1, list interface,
 *   `List[Optional[T]]` outputs when failures are tolerated); launch plans with empty labels,
 *   annotations and raw-output config rather than unset ones.
 * - **Deliberate differences from flytekit**: a map over a task whose unbound inputs are all lists
 *   still maps them (flytekit leaves such an interface unchanged, so the map cannot work); `minSuccesses`
 *   is honoured by maps (flytekit's `map_task` drops it) and, like a ratio below 1, makes outputs
 *   optional; sub-workflows called inside nested branches are embedded (flytekit looks one level deep);
 *   `isNone`/`eq(x, null)` throw, since Flyte 1's compiler rejects the none operand flytekit writes;
 *   branch inputs read through an attribute path get the path in their name so two paths into one
 *   output stay apart; raw containers default to `/var/inputs` and `/var/outputs`.
 */
export {
  assignLocation,
  findEntity,
  findTask,
  listEntities,
  nameFromLocation,
  registerEntity,
} from "./entities/registry.js";
export { captureCallSite, formatCallSite } from "./entities/call-site.js";
export { entityLabel } from "./entities/entity-label.js";
export { task, FunctionTaskImpl } from "./entities/task.js";
export type { TaskOptions } from "./entities/task.js";
export type { CacheOptions, CommonTaskOptions } from "./entities/task-options.js";
export type { Checkpoint, TaskContext } from "./entities/task-context.js";
export { buildDynamicJobSpec, dynamic, dynamicDependencies, runDynamic } from "./entities/dynamic.js";
export type { DynamicOptions } from "./entities/dynamic.js";
export { containerTask, ContainerTaskImpl } from "./entities/container-task.js";
export type { ContainerTaskOptions } from "./entities/container-task.js";
export { map, MapTaskImpl } from "./entities/map-task.js";
export type { MapOptions } from "./entities/map-task.js";
export { workflow, WorkflowImpl } from "./entities/workflow.js";
export type { FailurePolicy, WorkflowOptions } from "./entities/workflow.js";
export { cron, defaultLaunchPlan, fixedRate, launchPlan, LaunchPlanImpl } from "./entities/launch-plan.js";
export type { CronOptions, LaunchPlanOptions, Notification, RateDuration, Schedule } from "./entities/launch-plan.js";
export { ReferenceImpl, referenceLaunchPlan, referenceTask, referenceWorkflow } from "./entities/reference.js";
export type { ReferenceInterface } from "./entities/reference.js";
export type { NotificationPhase, ReferenceId, SecurityContextDecl as SecurityContextOptions } from "./entities/decl.js";
export type { PodTemplate, ResourceSpec, SecretRequest } from "./entities/resources.js";
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
export { serializeTask } from "./serialize/serialize-task.js";
export { serializeWorkflow } from "./serialize/serialize-workflow.js";
export { serializeLaunchPlan } from "./serialize/serialize-launch-plan.js";
export { collectEntities } from "./serialize/collect-entities.js";
export type { CollectEntitiesOptions, CollectedEntities } from "./serialize/collect-entities.js";
export { compileEntities } from "./serialize/compile-entities.js";
export type { CompileEntitiesOptions, CompileEntitiesResult, CompiledEntities } from "./serialize/compile-entities.js";
export { ALOFT_RESOLVER, taskContainerArgs } from "./serialize/container-args.js";
export type { TaskLoaderArgs } from "./serialize/container-args.js";
export { resolveImage } from "./serialize/resolve-image.js";
export { encodeSettings, SETTINGS_ENV_VAR, settingsFromEnv } from "./serialize/settings-env.js";
export { SDK_FLAVOR, SDK_VERSION } from "./serialize/sdk-version.js";
