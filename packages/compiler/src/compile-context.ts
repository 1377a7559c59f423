import { clone } from "@bufbuild/protobuf";
import type { CompiledWorkflow } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { identifierKey } from "./identifiers.js";
import type { LaunchPlanInterface } from "./launch-plan-interface.js";

interface TaskEntry {
  template: TaskTemplate;
  /** Whether `template` is this compilation's own copy (so it may be completed in place). */
  owned: boolean;
}

/** Everything one `compileWorkflow` call shares across the workflows it compiles. */
export class CompileContext {
  /** Tasks by identifier key, in the order they were supplied (de-duplicated, first wins). */
  readonly tasks = new Map<string, TaskEntry>();
  readonly launchPlans = new Map<string, LaunchPlanInterface>();
  /** Sub-workflows by identifier key, in the order supplied; templates are this compilation's copies. */
  readonly subWorkflows = new Map<string, CompiledWorkflow>();
  /** Sub-workflows already compiled (or tried): each is compiled once, since compiling edits it. */
  readonly attemptedSubWorkflows = new Set<string>();
  /** The workflows being compiled, outermost first, to catch sub-workflows calling each other. */
  readonly compiling: { key: string; id: Identifier | undefined }[] = [];

  findTask(id: Identifier): TaskTemplate | undefined {
    return this.tasks.get(identifierKey(id))?.template;
  }

  /** The task's template, copied on first use so the caller's objects are never edited. */
  ownTaskTemplate(id: Identifier): TaskTemplate | undefined {
    const entry = this.tasks.get(identifierKey(id));
    if (entry === undefined) return undefined;
    if (!entry.owned) {
      entry.template = clone(TaskTemplateSchema, entry.template);
      entry.owned = true;
    }
    return entry.template;
  }
}
