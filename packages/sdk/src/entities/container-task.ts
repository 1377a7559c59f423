import type { Shape } from "../types/type.js";
import { callEntity } from "../workflow/call.js";
import { definitionError } from "../workflow/definition-error.js";
import { captureCallSite } from "./call-site.js";
import { makeCallable } from "./callable.js";
import { taskCallee } from "./callee.js";
import { DECL, type ContainerTaskDecl } from "./decl.js";
import { ENTITY_BRAND, type CallSite, type EntityLocation } from "./entity.js";
import type { NoShape, Task } from "./entity-types.js";
import { registerEntity } from "./registry.js";
import {
  checkKnownOptions,
  codeHashVersion,
  COMMON_TASK_OPTION_NAMES,
  compileContainerDecl,
  compileTaskMetadata,
  interfaceFromOptions,
  shapesOf,
  type CommonTaskOptions,
} from "./task-options.js";

/** Options of {@link containerTask}. */
export interface ContainerTaskOptions<I extends Shape, O extends Shape> extends CommonTaskOptions {
  /** The image to run (any language); `{{.image.<name>.fqn}}` templates are resolved at registration. */
  image: string;
  /** The command; it may reference primitive inputs as `{{.inputs.x}}` and files as `<inputDataDir>/x`. */
  command: readonly string[];
  /** Its arguments. @default [] */
  args?: readonly string[];
  /** The inputs, by name. @default {} */
  inputs?: I;
  /** The outputs, by name: the container writes one file per output into `outputDataDir`. @default {} */
  outputs?: O;
  /** Where Flyte's copilot puts the inputs (one file per input, plus the whole map). @default "/var/inputs" */
  inputDataDir?: string;
  /** Where the container writes its outputs. @default "/var/outputs" */
  outputDataDir?: string;
  /** The format of the inputs file copilot writes and the outputs file it may read. @default "json" */
  metadataFormat?: "json" | "yaml" | "proto";
}

/** A raw-container task. @internal */
export class ContainerTaskImpl {
  readonly [ENTITY_BRAND] = "task" as const;
  readonly kind = "task" as const;
  name: string | undefined;
  location: EntityLocation | undefined = undefined;
  readonly declaredAt: CallSite | undefined;
  readonly [DECL]: ContainerTaskDecl;

  constructor(decl: ContainerTaskDecl, name: string | undefined, site: CallSite | undefined) {
    this[DECL] = decl;
    this.name = name;
    this.declaredAt = site;
  }

  get inputs(): Shape {
    return shapesOf(this[DECL].iface).inputs;
  }

  get outputs(): Shape {
    return shapesOf(this[DECL].iface).outputs;
  }

  get taskType(): string {
    return "raw-container";
  }
}

const OPTION_NAMES = [
  ...COMMON_TASK_OPTION_NAMES.filter((n) => n !== "output"),
  "image",
  "command",
  "args",
  "inputDataDir",
  "outputDataDir",
  "metadataFormat",
];

function strings(value: unknown, what: string, site: CallSite | undefined): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw definitionError(site, `${what} must be a list of strings`);
  }
  return [...(value as string[])];
}

/**
 * A task that runs any image, with no SDK inside (flytekit's `ContainerTask`, task type
 * `raw-container`): Flyte's copilot sidecar writes the inputs into `inputDataDir` and uploads the files
 * named after the outputs from `outputDataDir`, as configured by the container's `DataLoadingConfig`.
 *
 * ```ts
 * export const wc = containerTask({
 *   image: "alpine:3.20",
 *   command: ["sh", "-c", "wc -l < /var/inputs/text > /var/outputs/lines"],
 *   inputs: { text: t.file() },
 *   outputs: { lines: t.int() },
 * });
 * ```
 *
 * @throws AloftError `InvalidArgument` (with the call site) for a missing image or command, or bad options.
 */
export function containerTask<I extends Shape = NoShape, O extends Shape = NoShape>(
  options: ContainerTaskOptions<I, O>,
): Task<I, O, false> {
  const site = captureCallSite();
  if (typeof options !== "object" || options === null) {
    throw definitionError(site, "containerTask(): the argument must be an options object");
  }
  const label = options.name ?? "container task";
  checkKnownOptions(options, OPTION_NAMES, label, site);
  if (typeof options.image !== "string" || options.image === "") throw definitionError(site, `${label}: give an image`);
  const command = strings(options.command, `${label}: command`, site);
  if (command.length === 0) throw definitionError(site, `${label}: give a command`);
  const args = strings(options.args ?? [], `${label}: args`, site);
  const format = options.metadataFormat ?? "json";
  if (format !== "json" && format !== "yaml" && format !== "proto") {
    throw definitionError(site, `${label}: metadataFormat must be "json", "yaml" or "proto"`);
  }
  const iface = interfaceFromOptions({ inputs: options.inputs, outputs: options.outputs }, label, site);
  const container = compileContainerDecl(options, label, site);
  const decl: ContainerTaskDecl = {
    kind: "container",
    iface,
    metadata: compileTaskMetadata(options, iface, label, site, () =>
      codeHashVersion(options.image, ...command, "\u0001", ...args),
    ),
    container: { ...container, image: options.image },
    command,
    args,
    inputDataDir: options.inputDataDir ?? "/var/inputs",
    outputDataDir: options.outputDataDir ?? "/var/outputs",
    metadataFormat: format,
    description: options.description,
  };
  const entity = makeCallable(new ContainerTaskImpl(decl, options.name, site), (self, inputs) =>
    callEntity(() => taskCallee(self), inputs, captureCallSite()),
  );
  registerEntity(entity);
  return entity as unknown as Task<I, O, false>;
}
