import type { CommandTemplatePaths } from "../semantics/render-command-templates.js";
import type { TaskExecutionContext } from "./task-plugin.js";

/** The attempt's values of Flyte's command templates (`{{.input}}`, `{{.outputPrefix}}`, …), for any plugin. */
export function commandTemplatePaths(ctx: TaskExecutionContext): CommandTemplatePaths {
  return {
    input: ctx.paths.inputs,
    inputPrefix: ctx.paths.inputPrefix,
    outputPrefix: ctx.paths.outputPrefix,
    rawOutputDataPrefix: ctx.paths.rawOutputPrefix,
    checkpointOutputPrefix: ctx.paths.checkpointPrefix,
    prevCheckpointPrefix: ctx.paths.prevCheckpointPrefix,
    generatedName: ctx.generatedName,
    namespace: ctx.namespace,
  };
}
