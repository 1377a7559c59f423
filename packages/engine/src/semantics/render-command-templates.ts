/*
 * Flyte's template substitution on a container's command and args
 * (flyteplugins pluginmachinery/core/template/template.go): case-insensitive, `.` or `$` prefix, inner
 * whitespace allowed (`{{ .Input }}`, `{{$input}}`), and `{{.inputs.<name>}}` rendered from the input
 * literal as Go prints it.
 */
import type { Literal, LiteralMap, Scalar } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { formatGoFloat, formatTimestamp } from "./go-format.js";
import { formatMsgpackGo, parseMsgpack } from "./msgpack-value.js";

/** Values of Flyte's path templates for one task attempt. */
export interface CommandTemplatePaths {
  /** `{{.input}}`: the inputs.pb file. */
  input: string;
  /** `{{.inputPrefix}}`: the directory holding it. */
  inputPrefix: string;
  /** `{{.outputPrefix}}`: where outputs.pb / error.pb go. */
  outputPrefix: string;
  /** `{{.rawOutputDataPrefix}}`. */
  rawOutputDataPrefix: string;
  /** `{{.checkpointOutputPrefix}}`. */
  checkpointOutputPrefix: string;
  /** `{{.prevCheckpointPrefix}}`; an empty one renders as the two characters `""`. */
  prevCheckpointPrefix: string;
  /** The attempt's generated name, from which `{{.perRetryUniqueKey}}` is derived. */
  generatedName: string;
  /** `{{.taskTemplatePath}}`, when the caller can provide one. */
  taskTemplatePath?: string;
  /** `{{.namespace}}`. */
  namespace: string;
}

const INPUT_FILE = /{{\s*[.$]Input\s*}}/gi;
const INPUT_PREFIX = /{{\s*[.$]InputPrefix\s*}}/gi;
const OUTPUT_PREFIX = /{{\s*[.$]OutputPrefix\s*}}/gi;
const INPUT_VAR = /{{\s*[.$]Inputs\.([^}\s]+)\s*}}/gi;
const RAW_OUTPUT = /{{\s*[.$]RawOutputDataPrefix\s*}}/gi;
const PER_RETRY_KEY = /{{\s*[.$]PerRetryUniqueKey\s*}}/gi;
const TASK_TEMPLATE = /{{\s*[.$]TaskTemplatePath\s*}}/gi;
const PREV_CHECKPOINT = /{{\s*[.$]PrevCheckpointPrefix\s*}}/gi;
const CHECKPOINT = /{{\s*[.$]CheckpointOutputPrefix\s*}}/gi;
const NAMESPACE = /{{\s*[.$]Namespace\s*}}/gi;

/**
 * Renders every template in `templates` (propeller's `template.Render`). Throws `Error` listing each
 * input template that could not be rendered (missing input, or a type Flyte cannot render: maps,
 * unions, structured datasets, none) and when `{{.taskTemplatePath}}` is used but not provided.
 */
export function renderCommandTemplates(
  templates: readonly string[],
  inputs: LiteralMap,
  paths: CommandTemplatePaths,
): string[] {
  const perRetryKey = paths.generatedName.replace(/^[^a-zA-Z_]+/, "a").replace(/[^a-zA-Z0-9_]+/g, "_");
  return templates.map((template) => {
    const constant = (value: string) => () => value;
    let val = template
      .replace(INPUT_FILE, constant(paths.input))
      .replace(OUTPUT_PREFIX, constant(paths.outputPrefix))
      .replace(INPUT_PREFIX, constant(paths.inputPrefix))
      .replace(RAW_OUTPUT, constant(paths.rawOutputDataPrefix))
      .replace(PREV_CHECKPOINT, constant(paths.prevCheckpointPrefix === "" ? '""' : paths.prevCheckpointPrefix))
      .replace(CHECKPOINT, constant(paths.checkpointOutputPrefix))
      .replace(PER_RETRY_KEY, constant(perRetryKey));
    if (new RegExp(TASK_TEMPLATE.source, "i").test(val)) {
      if (paths.taskTemplatePath === undefined)
        throw new Error("{{.taskTemplatePath}} is not available for local runs");
      val = val.replace(TASK_TEMPLATE, constant(paths.taskTemplatePath));
    }
    val = val.replace(NAMESPACE, constant(paths.namespace));

    const errors: string[] = [];
    val = val.replace(INPUT_VAR, (match: string, name: string) => {
      try {
        const literal = inputs.literals[name];
        if (literal === undefined) throw new Error(`requested input is not found [${name}]`);
        try {
          return serializeLiteral(literal);
        } catch (e) {
          throw new Error(`failed to bind a value to inputName [${name}]: ${(e as Error).message}`, { cause: e });
        }
      } catch (e) {
        errors.push(`input template [${match}]: ${(e as Error).message}`);
        return "";
      }
    });
    if (errors.length > 0) throw new Error(errors.map((e, i) => `${i}: ${e}`).join("\r\n"));
    return val;
  });
}

/** How Flyte renders `{{.inputs.x}}`: Go `%v` for primitives, URIs for blobs and schemas, `[a,b]` for lists. */
export function serializeLiteral(literal: Literal): string {
  const v = literal.value;
  if (v.case === "collection") return `[${v.value.literals.map(serializeLiteral).join(",")}]`;
  if (v.case === "scalar") return serializeScalar(v.value);
  throw new Error(`received an unexpected primitive type [${goLiteralType(v.case)}]`);
}

function serializeScalar(scalar: Scalar): string {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      switch (p.case) {
        case "integer":
          return p.value.toString();
        case "boolean":
          return String(p.value);
        case "floatValue":
          return formatGoFloat(p.value);
        case "stringValue":
          return p.value;
        case "datetime":
          return formatTimestamp(p.value);
        case "duration": {
          // Go prints the Duration message in protobuf text format.
          const parts: string[] = [];
          if (p.value.seconds !== 0n) parts.push(`seconds:${p.value.seconds}`);
          if (p.value.nanos !== 0) parts.push(`nanos:${p.value.nanos}`);
          return parts.join(" ");
        }
        default:
          throw new Error("received an unexpected primitive type [<nil>]");
      }
    }
    case "blob":
      return v.value.uri;
    case "schema":
      return v.value.uri;
    case "binary":
      if (v.value.tag !== "msgpack") throw new Error(`unsupported binary tag [${v.value.tag}]`);
      return formatMsgpackGo(parseMsgpack(v.value.value));
    default:
      throw new Error(`received an unexpected scalar type [${goScalarType(v.case)}]`);
  }
}

function goLiteralType(kind: string | undefined): string {
  switch (kind) {
    case "map":
      return "*core.Literal_Map";
    case "offloadedMetadata":
      return "*core.Literal_OffloadedMetadata";
    default:
      return "<nil>";
  }
}

function goScalarType(kind: string | undefined): string {
  if (kind === undefined) return "<nil>";
  const name =
    { noneType: "NoneType", structuredDataset: "StructuredDataset" }[kind] ?? kind[0]?.toUpperCase() + kind.slice(1);
  return `*core.Scalar_${name}`;
}
