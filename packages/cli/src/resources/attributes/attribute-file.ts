import { create, type JsonObject, type JsonValue, type Message, toJson } from "@bufbuild/protobuf";
import { fromAdminJson } from "@aloft/idl";
import { type MatchingAttributes, MatchingAttributesSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { stringify as toYaml } from "yaml";
import { CliError } from "../../cli-error.js";
import { readYamlFile } from "../yaml-file.js";
import type { AttributeKind } from "./attribute-kinds.js";
import { attributeMessage } from "./attribute-messages.js";

/** Where attributes apply: a project, a project and domain, or a workflow in them. */
export interface AttributeScope {
  project: string;
  /** `""` for project-wide attributes. */
  domain: string;
  /** `""` unless workflow-specific. */
  workflow: string;
}

/** An attribute file as flytectl reads and writes it: the scope beside the attribute message's fields. */
export interface AttributeFile {
  scope: AttributeScope;
  /** The attribute message (e.g. a TaskResourceAttributes). */
  body: Message;
}

const SCOPE_KEYS = ["project", "domain", "workflow"] as const;

/**
 * Reads an attribute file (flytectl/cmd/config/subcommand/*\/file_config.go): flat YAML with `project`, `domain`,
 * an optional `workflow` (their case does not matter, as in flytectl) and the fields of the attribute message with
 * proto names (`max_parallelism`, `missing_plugin_behavior: 1` or `USE_DEFAULT`). Unknown fields are errors.
 *
 * @throws CliError naming the file when it cannot be read or is not a valid attribute file of `kind`.
 */
export async function readAttributeFile(path: string, kind: AttributeKind, cwd: string): Promise<AttributeFile> {
  const document = (await readYamlFile(path, cwd)) ?? {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw CliError.failure(`${path} must hold a mapping: project, domain, workflow and the ${kind.title}`);
  }
  const scope: AttributeScope = { project: "", domain: "", workflow: "" };
  const fields: JsonObject = {};
  for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
    const scopeKey = SCOPE_KEYS.find((k) => k === key.toLowerCase());
    if (scopeKey === undefined) {
      fields[key] = value as JsonValue;
    } else if (value !== null && value !== undefined) {
      if (typeof value !== "string") throw CliError.failure(`${path}: ${key} must be a string`);
      scope[scopeKey] = value;
    }
  }
  let body: Message;
  try {
    body = fromAdminJson(attributeMessage(kind).schema, fields);
  } catch (error) {
    const reason = (error as { rawMessage?: string }).rawMessage ?? (error as Error).message;
    throw CliError.failure(`${path} is not a ${kind.command} file: ${reason}`, {
      cause: error,
      hint: `write project, domain, optionally workflow, and e.g.\n${kind.example}`,
    });
  }
  return { scope, body };
}

/** The attribute message's fields as YAML/JSON data: proto names, unset fields left out, enums by name. */
export function attributeBodyData(kind: AttributeKind, body: Message | undefined): JsonObject {
  if (body === undefined) return {};
  return toJson(attributeMessage(kind).schema, body, { useProtoFieldName: true }) as JsonObject;
}

/** The attribute file's data: `project`, `domain`, `workflow` (when set), then the attribute fields. */
export function attributeFileData(kind: AttributeKind, file: AttributeFile): JsonObject {
  return {
    project: file.scope.project,
    domain: file.scope.domain,
    ...(file.scope.workflow === "" ? {} : { workflow: file.scope.workflow }),
    ...attributeBodyData(kind, file.body),
  };
}

/** The text of an attribute file, ready to edit and pass to `update … --attrFile`. */
export function attributeFileText(kind: AttributeKind, file: AttributeFile): string {
  return toYaml(attributeFileData(kind, file), { lineWidth: 0 });
}

/** `body` wrapped as admin's MatchingAttributes. */
export function matchingAttributes(kind: AttributeKind, body: Message): MatchingAttributes {
  return create(MatchingAttributesSchema, { target: { case: kind.target, value: body } } as never);
}

/** The body of `kind` inside `attributes`, if that is what they hold. */
export function bodyOf(kind: AttributeKind, attributes: MatchingAttributes | undefined): Message | undefined {
  const target = attributes?.target;
  return target?.case === kind.target ? (target.value as Message) : undefined;
}
