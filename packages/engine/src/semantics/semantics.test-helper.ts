/*
 * Builders for the semantics tests: task templates made with `create(...)`, and literal maps read back
 * as plain values.
 */
import { create } from "@bufbuild/protobuf";
import { literalToJs, type LiteralJsValue } from "@aloft/idl";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  DataLoadingConfig_LiteralMapFormat,
  TaskTemplateSchema,
  type TaskTemplate,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";

/** `{ name: { type } }` for a typed interface. */
function variables(types: Readonly<Record<string, LiteralType>> = {}) {
  return { variables: Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { type }])) };
}

/**
 * A `raw-container` task running `sh -c <script>`, with co-pilot's data config in `format` (inputs in
 * `/var/inputs`, outputs in `/var/outputs`), or none.
 */
export function rawContainer(
  script: string,
  io: { inputs?: Record<string, LiteralType>; outputs?: Record<string, LiteralType>; retries?: number },
  format: DataLoadingConfig_LiteralMapFormat | "none" = DataLoadingConfig_LiteralMapFormat.JSON,
): TaskTemplate {
  const dataConfig =
    format === "none" ? undefined : { enabled: true, inputPath: "/var/inputs", outputPath: "/var/outputs", format };
  return create(TaskTemplateSchema, {
    id: { project: "p", domain: "d", name: "raw", version: "v1" },
    type: "raw-container",
    interface: { inputs: variables(io.inputs), outputs: variables(io.outputs) },
    metadata: { retries: { retries: io.retries ?? 0 } },
    target: { case: "container", value: { image: "alpine:3", command: ["sh", "-c", script], dataConfig } },
  });
}

/** A literal map as plain values, by name. */
export function jsOf(map: LiteralMap | undefined): Record<string, LiteralJsValue> {
  return Object.fromEntries(Object.entries(map?.literals ?? {}).map(([name, literal]) => [name, literalToJs(literal)]));
}
