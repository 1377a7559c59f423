/**
 * Which plugin runs a task (propeller's `ResolvePlugin`, nodes/task/handler.go): the execution's
 * per-task-type overrides first, then the plugin registered for the task type, then the default
 * plugin; otherwise the task type is unsupported.
 */
import { AloftError } from "@aloft/idl";
import {
  PluginOverride_MissingPluginBehavior,
  type PluginOverride,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { TaskPlugin } from "./task-plugin.js";

/** propeller's error code for a task type no plugin handles. */
export const UNSUPPORTED_TASK_TYPE = "UnsupportedTaskType";

export interface PluginRegistry {
  /** Every registered plugin. */
  readonly plugins: readonly TaskPlugin[];
  /** The plugin with this id. */
  find(pluginId: string): TaskPlugin | undefined;
  /**
   * The plugin for `taskType` under the execution's `overrides`.
   * @throws AloftError InvalidArgument with code {@link UNSUPPORTED_TASK_TYPE} in the message when none fits.
   */
  resolve(taskType: string, overrides?: readonly PluginOverride[]): TaskPlugin;
}

/** Options of {@link createPluginRegistry}. */
export interface PluginRegistryOptions {
  plugins: readonly TaskPlugin[];
  /** Task type → plugin id, overriding the plugins' own `taskTypes` (propeller's `default-for-task-types`). */
  defaultForTaskTypes?: Readonly<Record<string, string>>;
  /** The plugin for task types nobody registered (propeller's default plugin, normally `container`). */
  defaultPluginId?: string;
}

/**
 * A registry over `plugins`. Two plugins claiming the same task type without a `defaultForTaskTypes`
 * entry is a configuration error, as in propeller.
 * @throws AloftError InvalidArgument for duplicate ids, ambiguous task types, or unknown ids in the options.
 */
export function createPluginRegistry(options: PluginRegistryOptions): PluginRegistry {
  const byId = new Map<string, TaskPlugin>();
  for (const plugin of options.plugins) {
    if (byId.has(plugin.id)) throw AloftError.invalidArgument(`two task plugins have the id '${plugin.id}'`);
    byId.set(plugin.id, plugin);
  }
  const known = (id: string, what: string): TaskPlugin => {
    const plugin = byId.get(id);
    if (plugin === undefined) throw AloftError.invalidArgument(`${what} names unknown task plugin '${id}'`);
    return plugin;
  };
  const byType = new Map<string, TaskPlugin>();
  const ambiguous = new Set<string>();
  for (const plugin of options.plugins) {
    for (const type of plugin.taskTypes) {
      if (byType.has(type) && byType.get(type) !== plugin) ambiguous.add(type);
      else byType.set(type, plugin);
    }
  }
  for (const [type, id] of Object.entries(options.defaultForTaskTypes ?? {})) {
    byType.set(type, known(id, `default for task type '${type}'`));
    ambiguous.delete(type);
  }
  if (ambiguous.size > 0) {
    throw AloftError.invalidArgument(
      `several task plugins handle task types [${[...ambiguous].sort().join(", ")}]: choose one with defaultForTaskTypes`,
    );
  }
  const defaultPlugin =
    options.defaultPluginId === undefined ? undefined : known(options.defaultPluginId, "defaultPluginId");

  return {
    plugins: [...options.plugins],
    find: (id) => byId.get(id),
    resolve(taskType, overrides = []) {
      const override = overrides.find((candidate) => candidate.taskType === taskType);
      if (override !== undefined) {
        for (const id of override.pluginId) {
          const plugin = byId.get(id);
          if (plugin !== undefined) return plugin;
        }
        if (override.missingPluginBehavior === PluginOverride_MissingPluginBehavior.FAIL) {
          throw AloftError.invalidArgument(
            `${UNSUPPORTED_TASK_TYPE}: none of the plugins [${override.pluginId.join(", ")}] configured for task type [${taskType}] is loaded`,
          );
        }
      }
      const plugin = byType.get(taskType) ?? defaultPlugin;
      if (plugin === undefined) {
        throw AloftError.invalidArgument(
          `${UNSUPPORTED_TASK_TYPE}: no plugin found for task type [${taskType}] and no default plugin is configured`,
        );
      }
      return plugin;
    },
  };
}
