import { AloftError, workflowExecutionId } from "@aloft/idl";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { fileUri, FsBlobStore, joinUri } from "@aloft/storage";
import { isDeclared, type LaunchPlanEntityLike } from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { findEntity, listEntities } from "../entities/registry.js";
import { executeWorkflow } from "../local/execute-workflow.js";
import { randomExecutionName, type LocalLaunchPlan, type LocalTaskRunner } from "../local/execute-workflow-options.js";
import { LocalCache } from "../local/local-cache.js";
import type { LocalRunResult } from "../local/local-run-result.js";
import { createEventAdapter, taskDisplayName } from "./create-event-adapter.js";
import { createSdkTaskRunner, type RunHooks } from "./create-sdk-task-runner.js";
import { describeEntity } from "./describe-entity.js";
import { LocalCatalog } from "./local-catalog.js";
import { localRunSettings } from "./local-run-settings.js";
import { nameLocalEntities } from "./name-local-entities.js";
import { NodeNames } from "./node-names.js";
import { compileRunOptions, runDataDir, type RunOptions } from "./run-options.js";
import { runFailureFromResult } from "./run-failure-from-result.js";
import { runTarget } from "./run-target.js";
import { runInputLiterals, runOutputValues } from "./run-values.js";
import { signalProvider } from "./signal-provider.js";

/** How long the parts of a run took, in milliseconds (for the benchmark). */
export interface RunTimings {
  /** Naming, serializing and compiling the entity, and converting the inputs. */
  prepareMs: number;
  /** The local executor's run of the compiled workflow. */
  executeMs: number;
  /** Converting the outputs back to values. */
  outputsMs: number;
}

/** The outcome of {@link executeRun}. @internal */
export interface RunOutcome {
  /** The outputs as `run()` returns them. */
  outputs: unknown;
  result: LocalRunResult;
  timings: RunTimings;
}

/**
 * Runs a task, workflow or launch plan in this process (what `run()` and the test runner do):
 * converts the inputs with the declared types, compiles the entity as registration would (project
 * `local`, domain `development`, version `local`), executes the compiled workflow with the local
 * executor, and converts the outputs back.
 *
 * @throws AloftError `InvalidArgument` for something that is not an entity, bad inputs, or a
 * definition that does not compile.
 * @throws RunFailure when a node fails or the run is aborted.
 * @internal
 */
export async function executeRun(
  entity: unknown,
  inputs: unknown,
  options: RunOptions = {},
  hooks: RunHooks = {},
): Promise<RunOutcome> {
  if (!isDeclared(entity)) {
    throw AloftError.invalidArgument(
      `run() takes a task, workflow or launch plan made with this SDK, got ${entity === null ? "null" : typeof entity}`,
    );
  }
  const started = performance.now();
  const compiled = compileRunOptions(options);
  nameLocalEntities();
  const isMocked = (e: EntityBase): boolean => hooks.mockOf?.(e) !== undefined;
  const catalog = new LocalCatalog({ settings: localRunSettings(listEntities()), isMocked });
  const target = runTarget(entity, catalog, isMocked);
  const label = describeEntity(entity);

  const executionName = randomExecutionName();
  const dataDir = runDataDir(compiled, executionName);
  const store = new FsBlobStore({ root: "/" });
  const typeCtx = { store, rawOutputPrefix: joinUri(fileUri(dataDir), "inputs"), workDir: `${dataDir}/work/run` };
  const inputLiterals = await runInputLiterals(target, inputs, typeCtx, label);

  const thrown = new Map<string, unknown>();
  const standIns = new Set<string>();
  const sdkRunner = createSdkTaskRunner({
    catalog,
    store,
    dataDir,
    env: compiled.env,
    hooks,
    onThrown: (id, e, standIn) => {
      thrown.set(id, e);
      if (standIn) standIns.add(id);
    },
  });
  const names = new NodeNames({
    closure: target.closure,
    taskName: (id, element) => taskDisplayName(catalog, id, element),
    launchPlanClosure: (id) => {
      try {
        return catalog.resolveLaunchPlan(id)?.closure;
      } catch {
        return undefined;
      }
    },
  });
  const runner: LocalTaskRunner = {
    async runTask(request) {
      const result = await sdkRunner.runTask(request);
      if (result.kind === "dynamic") names.addDynamic(request.nodeId, result.spec.nodes, result.spec.subworkflows);
      return result;
    },
  };
  const prepared = performance.now();
  const result = await executeWorkflow({
    closure: target.closure,
    inputs: inputLiterals,
    runner,
    launchPlans: (id) => catalog.resolveLaunchPlan(id) ?? resolveCreatedLaunchPlan(catalog, id.name),
    signals: signalProvider({ signals: compiled.signals, ctx: typeCtx }),
    cache: compiled.cache === "off" ? undefined : new LocalCache({ dir: compiled.cacheDir, mode: compiled.cache }),
    maxParallelism: compiled.maxParallelism ?? target.maxParallelism,
    abortSignal: compiled.abortSignal,
    onEvent: createEventAdapter(compiled.onEvent, names, target.single),
    executionId: workflowExecutionId({
      project: catalog.settings.project,
      domain: catalog.settings.domain,
      name: executionName,
    }),
  });
  const executed = performance.now();
  if (result.phase !== WorkflowExecution_Phase.SUCCEEDED || result.outputs === undefined) {
    throw runFailureFromResult({ result, thrown, standIns, label, names, single: target.single });
  }
  const outputs = await runOutputValues(target.iface, result.outputs, typeCtx);
  const timings = {
    prepareMs: prepared - started,
    executeMs: executed - prepared,
    outputsMs: performance.now() - executed,
  };
  return { outputs, result, timings };
}

/** Launch plans created while the run runs (by dynamic tasks), found by name in the registry. */
function resolveCreatedLaunchPlan(catalog: LocalCatalog, name: string): LocalLaunchPlan | undefined {
  const lp = findEntity("launch-plan", name);
  if (lp === undefined || !isDeclared(lp)) return undefined;
  catalog.add(lp);
  return catalog.launchPlanToRun(lp as LaunchPlanEntityLike);
}
