/**
 * The SDK's local executor: runs a compiled workflow (`CompiledWorkflowClosure`) in this process, at
 * the literal level, with propeller's semantics (`@aloft/engine`'s), so a local run behaves as the same
 * workflow does on Flyte. Task code runs through a {@link LocalTaskRunner}; raw-container tasks can run
 * as local processes with `@aloft/engine`'s `runContainerTaskLocally`.
 *
 * ```ts
 * import { runContainerTaskLocally } from "@aloft/engine";
 * import { integerLiteral, literalMap } from "@aloft/idl";
 * import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
 * import { executeWorkflow, LocalCache } from "./local/index.js";
 *
 * const result = await executeWorkflow({
 *   closure, // from compileWorkflow
 *   inputs: literalMap({ n: integerLiteral(3) }),
 *   runner: {
 *     runTask: (request) =>
 *       request.template.type === "raw-container" ? runContainerTaskLocally(request) : runTsTask(request),
 *   },
 *   cache: new LocalCache({ mode: "on" }),
 *   onEvent: (event) => console.log(event.kind, event.path),
 * });
 * if (result.phase === WorkflowExecution_Phase.SUCCEEDED) console.log(result.outputs);
 * else console.error(result.error?.code, result.error?.message);
 * ```
 */
export { executeWorkflow } from "./execute-workflow.js";
export { compileExecuteWorkflowOptions, DEFAULT_MAX_PARALLELISM } from "./execute-workflow-options.js";
export type {
  CompiledExecuteWorkflowOptions,
  ExecuteWorkflowOptions,
  LaunchPlanResolver,
  LocalLaunchPlan,
  LocalSignalRequest,
  LocalTaskRequest,
  LocalTaskRunner,
  SignalProvider,
} from "./execute-workflow-options.js";
export type {
  LocalNodeEvent,
  LocalNodeEventKind,
  LocalNodeKind,
  LocalNodeRecord,
  LocalRunResult,
} from "./local-run-result.js";
export { LocalCache } from "./local-cache.js";
export type { LocalCacheMode, LocalCacheOptions, LocalCacheRequest } from "./local-cache.js";
export { computeLocalCacheKey } from "./compute-local-cache-key.js";
export type { LocalCacheKeyInput } from "./compute-local-cache-key.js";
