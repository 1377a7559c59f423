import { create, type JsonValue } from "@bufbuild/protobuf";
import { WorkflowExecutionConfigSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { CliContext } from "../../cli-command.js";
import { CliError } from "../../cli-error.js";
import { printLines } from "../../output.js";
import { isNotFound, type SessionFlags, withAdminSession } from "../admin-session.js";
import { printData } from "../print-messages.js";
import { renderTable } from "../table.js";
import { writeEditableFile } from "../yaml-file.js";
import { checkScope, describeScope, fetchAttributes } from "./attribute-admin.js";
import { type AttributeFile, attributeFileData, attributeFileText, bodyOf } from "./attribute-file.js";
import type { AttributeKind } from "./attribute-kinds.js";
import { attributeMessage } from "./attribute-messages.js";

/** The flags of the attribute getters. */
export interface GetAttributesFlags extends SessionFlags {
  /** Write an editable attribute file instead of printing. */
  attrFile?: string;
  /** workflow-execution-config only: a sample when none is set. */
  gen?: boolean;
}

/**
 * `aloft get <kind> [workflow]`: the attributes of `kind` set for the project (`-p`), project and domain (`-d`)
 * or a workflow of them, printed (as a table of fields, JSON or YAML) or written to `--attrFile` for editing.
 * With `--gen`, a workflow execution config that is not set yields flytectl's sample instead of an error.
 *
 * @throws CliError without a project, or when nothing is set at that scope.
 */
export async function getAttributes(
  kind: AttributeKind,
  workflow: string | undefined,
  flags: GetAttributesFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const scope = {
      project: session.settings.project ?? "",
      domain: session.settings.domain ?? "",
      workflow: workflow ?? "",
    };
    checkScope(scope, `get ${kind.command}`);
    const admin = await session.admin();
    let file: AttributeFile;
    try {
      const body = bodyOf(kind, await fetchAttributes(admin, kind, scope));
      file = { scope, body: body ?? create(attributeMessage(kind).schema) };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (flags.gen !== true || kind.target !== "workflowExecutionConfig") {
        throw CliError.failure(`no ${kind.title} set for ${describeScope(scope)}`, {
          cause: error,
          hint: `set them with aloft update ${kind.command} --attrFile <file>`,
        });
      }
      context.output.stderr("Generating a sample workflow execution config file\n");
      file = { scope, body: sampleWorkflowExecutionConfig() };
    }
    if (flags.attrFile !== undefined) {
      await writeEditableFile(flags.attrFile, attributeFileText(kind, file), {
        cwd: context.cwd,
        output: context.output,
      });
      if (session.format === "table") printLines(context.output, [`wrote the config to file ${flags.attrFile}`]);
      else printData(context.output, session.format, { file: flags.attrFile, ...attributeFileData(kind, file) });
      return;
    }
    const data = attributeFileData(kind, file);
    if (session.format === "table") {
      const rows = flatten(data);
      printLines(
        context.output,
        renderTable(
          [
            { header: "Attribute", value: (row: [string, string]) => row[0] },
            { header: "Value", value: (row: [string, string]) => row[1] },
          ],
          rows,
        ),
      );
    } else {
      printData(context.output, session.format, data);
    }
  });
}

/** flytectl's `--gen` sample (flytectl/cmd/get/matchable_workflow_execution_config.go). */
function sampleWorkflowExecutionConfig() {
  return create(WorkflowExecutionConfigSchema, {
    maxParallelism: 10,
    securityContext: { runAs: { k8sServiceAccount: "default" } },
    labels: { values: { cliLabelKey: "cliLabelValue" } },
    annotations: { values: { cliAnnotationKey: "cliAnnotationValue" } },
    rawOutputDataConfig: { outputLocationPrefix: "cliOutputLocationPrefix" },
  });
}

/** Nested data as `path value` rows: `defaults.cpu 1`, `tags foo, bar`, `overrides[0].task_type python_task`. */
function flatten(data: JsonValue, path = ""): [string, string][] {
  if (Array.isArray(data)) {
    if (data.every((item) => item === null || typeof item !== "object")) return [[path, data.join(", ")]];
    return data.flatMap((item, i) => flatten(item, `${path}[${i}]`));
  }
  if (data !== null && typeof data === "object") {
    const entries = Object.entries(data);
    if (entries.length === 0) return path === "" ? [] : [[path, "{}"]];
    return entries.flatMap(([key, value]) => flatten(value as JsonValue, path === "" ? key : `${path}.${key}`));
  }
  return [[path, String(data)]];
}
