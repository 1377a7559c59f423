/**
 * `@aloft/compiler`: Flyte's workflow compiler (flytepropeller/pkg/compiler) in TypeScript.
 *
 * It validates tasks and workflows and builds the `CompiledWorkflowClosure` admin stores and the
 * engine executes, with Flyte's structure, type rules and error codes. Compilation never throws on a
 * bad workflow: it returns every error found.
 *
 * ```ts
 * import { compileTask, compileWorkflow, formatCompileError, getRequirements } from "@aloft/compiler";
 *
 * const { taskIds } = getRequirements(workflow.template, workflow.subWorkflows);
 * const tasks = [];
 * for (const template of loadTasks(taskIds)) {
 *   const task = compileTask(template);
 *   if (!task.ok) throw new Error(task.errors.map(formatCompileError).join("\n"));
 *   tasks.push(task.value);
 * }
 * const result = compileWorkflow({ primary: workflow.template, subWorkflows: workflow.subWorkflows, tasks });
 * if (result.ok) store(result.value);
 * else for (const e of result.errors) console.error(formatCompileError(e));
 * ```
 */
export { formatCompileError } from "./compile-error.js";
export type { CompileError, CompileErrorCode, CompileResult } from "./compile-error.js";
export { compileTask } from "./compile-task.js";
export { compileWorkflow } from "./compile-workflow.js";
export type { CompileWorkflowInput } from "./compile-workflow.js";
export { getRequirements } from "./get-requirements.js";
export { launchPlanInterfaceFrom } from "./launch-plan-interface.js";
export type { LaunchPlanInterface } from "./launch-plan-interface.js";
export { validateLaunchPlanInputs } from "./launch-plan-inputs.js";
export type { LaunchPlanExpectations, LaunchPlanInputsInput } from "./launch-plan-inputs.js";
export { inferLiteralType } from "./infer-literal-type.js";
export { isCastable } from "./type-compatibility.js";
export { NodeKind } from "./nodes/node-kind.js";
export type {
  ArrayNodeKind,
  BranchNodeKind,
  GateNodeKind,
  LaunchPlanNodeKind,
  NoTargetNodeKind,
  SubWorkflowNodeKind,
  TaskNodeKind,
  UnreferencedWorkflowNodeKind,
} from "./nodes/node-kind.js";
export { END_NODE_ID, START_NODE_ID } from "./workflow-graph.js";
