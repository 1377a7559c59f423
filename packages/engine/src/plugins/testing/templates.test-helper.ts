/*
 * Task templates and value readers for the plugin tests.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { literalToJs, type LiteralJsValue } from "@aloft/idl";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  ContainerSchema,
  DataLoadingConfigSchema,
  type DataLoadingConfig_LiteralMapFormat,
  TaskTemplateSchema,
  type TaskTemplate,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";

function variables(types: Readonly<Record<string, LiteralType>> = {}) {
  return { variables: Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { type }])) };
}

/** Options of {@link containerTask}. */
export interface ContainerTaskOptions {
  type?: string;
  name?: string;
  inputs?: Record<string, LiteralType>;
  outputs?: Record<string, LiteralType>;
  /** Extra container fields (image, env, resources, data config…). */
  container?: MessageInitShape<typeof ContainerSchema>;
  /** Co-pilot in `/var/inputs` and `/var/outputs` with this format. */
  copilot?: DataLoadingConfig_LiteralMapFormat;
  config?: Record<string, string>;
}

/** A container task running `command` (first word the program). */
export function containerTask(command: string[], options: ContainerTaskOptions = {}): TaskTemplate {
  const dataConfig =
    options.copilot === undefined
      ? undefined
      : { enabled: true, inputPath: "/var/inputs", outputPath: "/var/outputs", format: options.copilot };
  return create(TaskTemplateSchema, {
    id: { project: "flytesnacks", domain: "development", name: options.name ?? "task", version: "v1" },
    type: options.type ?? "raw-container",
    interface: { inputs: variables(options.inputs), outputs: variables(options.outputs) },
    metadata: { retries: {} },
    config: options.config ?? {},
    target: {
      case: "container",
      value: (() => {
        const container = create(ContainerSchema, options.container ?? {});
        container.image ||= "alpine:3";
        container.command = command;
        if (dataConfig !== undefined) container.dataConfig = create(DataLoadingConfigSchema, dataConfig);
        return container;
      })(),
    },
  });
}

/** `sh -c <script>` as a container task. */
export function shellTask(script: string, options: ContainerTaskOptions = {}): TaskTemplate {
  return containerTask(["sh", "-c", script], options);
}

/** A literal map as plain values, by name. */
export function jsOf(map: LiteralMap | undefined): Record<string, LiteralJsValue> {
  return Object.fromEntries(Object.entries(map?.literals ?? {}).map(([name, literal]) => [name, literalToJs(literal)]));
}
