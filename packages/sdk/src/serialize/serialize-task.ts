import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { AloftError, taskId } from "@aloft/idl";
import {
  DescriptionEntitySchema,
  DescriptionFormat,
  type DescriptionEntity,
} from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import { TaskSpecSchema, type TaskSpec } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  TypedInterfaceSchema,
  VariableMapSchema,
  VariableSchema,
  type TypedInterface,
  type Variable,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { KeyValuePairSchema, RetryStrategySchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  SecretSchema,
  Secret_MountType,
  SecurityContextSchema,
  type SecurityContext,
} from "@aloft/idl/gen/flyteidl/core/security_pb";
import {
  ContainerSchema,
  DataLoadingConfigSchema,
  DataLoadingConfig_LiteralMapFormat,
  K8sObjectMetadataSchema,
  K8sPodSchema,
  RuntimeMetadataSchema,
  RuntimeMetadata_RuntimeType,
  TaskMetadataSchema,
  TaskTemplateSchema,
  type Container,
  type DataLoadingConfig,
  type TaskMetadata,
  type TaskTemplate,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import {
  DECL,
  type ContainerDecl,
  type ContainerTaskDecl,
  type FunctionTaskDecl,
  type InterfaceDecl,
  type MapTaskDecl,
  type TaskDecl,
  type TaskEntityLike,
  type TaskMetadataDecl,
  type VarDecl,
} from "../entities/decl.js";
import { formatCallSite } from "../entities/call-site.js";
import type { EntityBase } from "../entities/entity.js";
import { DEFAULT_PRIMARY_CONTAINER_NAME, containerResources, type SecretRequest } from "../entities/resources.js";
import { taskContainerArgs } from "./container-args.js";
import { strictNaming, type Naming } from "./naming.js";
import { serializePodSpec } from "./pod-spec.js";
import { resolveImage } from "./resolve-image.js";
import { SDK_FLAVOR, SDK_VERSION } from "./sdk-version.js";
import { encodeSettings, SETTINGS_ENV_VAR } from "./settings-env.js";
import { TS_TASK_TYPE, type SerializationSettings } from "./serialization-settings.js";

/** What serializing needs: the registration's settings and how entities are named. @internal */
export interface SerializeContext {
  settings: SerializationSettings;
  naming: Naming;
  /**
   * For the checks run while a workflow is defined: unknown images and modules get placeholders
   * instead of failing (the module loader and the registration settings are not known yet).
   */
  lenient?: boolean;
}

/** The task type a task declaration serializes with. @internal */
export function taskTypeOf(decl: TaskDecl): string {
  switch (decl.kind) {
    case "function":
      return TS_TASK_TYPE;
    case "container":
      return "raw-container";
    case "map":
      return taskTypeOf(decl.inner[DECL]);
    case "reference":
      return "";
  }
}

/** A variable as flytekit writes it: its type and its description (the variable's name by default). */
function variable(v: VarDecl): Variable {
  return create(VariableSchema, { type: v.literalType, description: v.description });
}

/** The `TypedInterface` of an interface declaration. @internal */
export function typedInterface(iface: InterfaceDecl): TypedInterface {
  const map = (vars: Readonly<Record<string, VarDecl>>) => {
    const variables: Record<string, Variable> = {};
    for (const [k, v] of Object.entries(vars)) variables[k] = variable(v);
    return create(VariableMapSchema, { variables });
  };
  return create(TypedInterfaceSchema, { inputs: map(iface.inputs), outputs: map(iface.outputs) });
}

/** A `DescriptionEntity` from a description: the first line is the short description (as a docstring). @internal */
export function descriptionEntity(description: string | undefined): DescriptionEntity | undefined {
  if (description === undefined || description.trim() === "") return undefined;
  const text = description.trim();
  const newline = text.indexOf("\n");
  const short = newline === -1 ? text : text.slice(0, newline).trim();
  const long = newline === -1 ? "" : text.slice(newline + 1).trim();
  return create(DescriptionEntitySchema, {
    shortDescription: short,
    longDescription: {
      content: long === "" ? { case: undefined } : { case: "value", value: long },
      format: DescriptionFormat.RST,
    },
  });
}

/** flytekit's `TaskMetadata.to_taskmetadata_model`, with this SDK's runtime. @internal */
export function taskMetadata(m: TaskMetadataDecl): TaskMetadata {
  return create(TaskMetadataSchema, {
    discoverable: m.cache !== undefined,
    runtime: create(RuntimeMetadataSchema, {
      type: RuntimeMetadata_RuntimeType.FLYTE_SDK,
      version: SDK_VERSION,
      flavor: SDK_FLAVOR,
    }),
    timeout: m.timeoutMs === undefined ? undefined : durationFromMs(m.timeoutMs),
    retries: create(RetryStrategySchema, { retries: m.retries }),
    interruptibleValue:
      m.interruptible === undefined ? { case: undefined } : { case: "interruptible", value: m.interruptible },
    discoveryVersion: m.cache?.version ?? "",
    deprecatedErrorMessage: m.deprecated ?? "",
    cacheSerializable: m.cache?.serialize ?? false,
    podTemplateName: m.podTemplateName ?? "",
    cacheIgnoreInputVars: [...(m.cache?.ignoredInputs ?? [])],
    isEager: false,
    generatesDeck: false,
    metadata: create(K8sObjectMetadataSchema, { labels: { ...m.labels }, annotations: { ...m.annotations } }),
  });
}

/** A protobuf `Duration` from milliseconds. @internal */
export function durationFromMs(ms: number) {
  const seconds = Math.floor(ms / 1000);
  return create(DurationSchema, { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) });
}

const MOUNT_TYPES: Record<NonNullable<SecretRequest["mountAs"]>, Secret_MountType> = {
  any: Secret_MountType.ANY,
  env: Secret_MountType.ENV_VAR,
  file: Secret_MountType.FILE,
};

/** The `SecurityContext` holding a task's secret requests, or undefined without any. @internal */
export function secretsContext(secrets: readonly SecretRequest[]): SecurityContext | undefined {
  if (secrets.length === 0) return undefined;
  return create(SecurityContextSchema, {
    secrets: secrets.map((s) =>
      create(SecretSchema, {
        group: s.group,
        groupVersion: s.groupVersion ?? "",
        key: s.key ?? "",
        mountRequirement: MOUNT_TYPES[s.mountAs ?? "any"],
        envVar: s.envVar ?? "",
      }),
    ),
  });
}

/**
 * A task's container, as flytekit's `_get_container_definition`: the resolved image, the given command
 * and args, resources, the registration's environment overlaid with the task's (keys in first-seen
 * order), no config.
 */
function container(
  decl: ContainerDecl,
  ctx: SerializeContext,
  options: {
    command: readonly string[];
    args: readonly string[];
    dataConfig?: DataLoadingConfig;
    /** Add the registration's settings to the environment (dynamic tasks). */
    carrySettings?: boolean;
  },
): Container {
  const { command, args, dataConfig, carrySettings = false } = options;
  const settings = ctx.settings;
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(settings.env ?? {})) env.set(k, v);
  // Dynamic tasks build workflows at run time with the registration's settings (flytekit's `_F_SS_C`).
  if (carrySettings) env.set(SETTINGS_ENV_VAR, encodeSettings(settings));
  for (const [k, v] of Object.entries(decl.env)) env.set(k, v);
  return create(ContainerSchema, {
    image: imageFor(decl.image, ctx),
    command: [...command],
    args: [...args],
    resources: containerResources(decl.requests, decl.limits),
    env: [...env].map(([key, value]) => create(KeyValuePairSchema, { key, value })),
    config: [],
    dataConfig,
  });
}

/** An image resolved against the settings (a placeholder for unknown named images in lenient mode). @internal */
export function imageFor(image: string | undefined, ctx: SerializeContext): string {
  try {
    return resolveImage(image, ctx.settings);
  } catch (e) {
    if (ctx.lenient === true) return ctx.settings.image;
    throw e;
  }
}

/** The module a task's code is loaded from, or an error naming the declaration when it is unknown. */
function moduleOf(entity: EntityBase, name: string, ctx: SerializeContext): string {
  const module = entity.location?.module;
  if (module !== undefined && module !== "") return module;
  if (ctx.lenient === true) return "<module>";
  const where = entity.declaredAt === undefined ? "" : ` (declared at ${formatCallSite(entity.declaredAt)})`;
  throw AloftError.invalidArgument(
    `task ${name}${where} is not exported from a module the loader read, so its container could not load it; export it`,
  );
}

/** The container of a TypeScript task, or of a map over one (its `array true bound …` args). */
function functionContainer(
  entity: TaskEntityLike,
  decl: FunctionTaskDecl,
  ctx: SerializeContext,
  map?: MapTaskDecl,
): Container {
  const name = ctx.naming.nameOf(entity);
  const args = taskContainerArgs(
    { module: moduleOf(entity, name, ctx), taskName: name, ...(map === undefined ? {} : { mapBound: map.bound }) },
    ctx.settings,
  );
  return container(decl.container, ctx, { command: [], args, carrySettings: decl.mode === "dynamic" });
}

const METADATA_FORMATS: Record<ContainerTaskDecl["metadataFormat"], DataLoadingConfig_LiteralMapFormat> = {
  json: DataLoadingConfig_LiteralMapFormat.JSON,
  yaml: DataLoadingConfig_LiteralMapFormat.YAML,
  proto: DataLoadingConfig_LiteralMapFormat.PROTO,
};

/** flytekit's `ContainerTask._get_data_loading_config`. */
function dataLoadingConfig(decl: ContainerTaskDecl): DataLoadingConfig {
  return create(DataLoadingConfigSchema, {
    enabled: true,
    inputPath: decl.inputDataDir,
    outputPath: decl.outputDataDir,
    format: METADATA_FORMATS[decl.metadataFormat],
  });
}

/**
 * Puts a container into a template: as its `container`, or, with a pod template, merged into a
 * `k8s_pod` target with `config.primary_container_name` (flytekit's `get_k8s_pod`/`get_config`).
 */
function setTarget(
  template: TaskTemplate,
  decl: ContainerDecl,
  c: Container,
  ctx: SerializeContext,
  dataConfig?: DataLoadingConfig,
): void {
  const pod = decl.podTemplate;
  if (pod === undefined) {
    template.target = { case: "container", value: c };
    return;
  }
  template.target = {
    case: "k8sPod",
    value: create(K8sPodSchema, {
      metadata: create(K8sObjectMetadataSchema, { labels: { ...pod.labels }, annotations: { ...pod.annotations } }),
      podSpec: serializePodSpec(pod, c, (image) => imageFor(image, ctx)),
      dataConfig,
    }),
  };
  template.config = { primary_container_name: pod.primaryContainerName ?? DEFAULT_PRIMARY_CONTAINER_NAME };
}

/**
 * The container a task runs, whether or not a pod template wraps it (for pod-template node overrides,
 * which merge it into their own spec as flytekit's `_serialize_pod_spec`). Map tasks: the map command.
 * @internal
 */
export function taskContainer(entity: TaskEntityLike, ctx: SerializeContext): Container {
  const decl = entity[DECL];
  switch (decl.kind) {
    case "function":
      return functionContainer(entity, decl, ctx);
    case "container":
      return container(decl.container, ctx, {
        command: decl.command,
        args: decl.args,
        dataConfig: dataLoadingConfig(decl),
      });
    case "map": {
      const inner = decl.inner[DECL];
      if (inner.kind !== "function") throw AloftError.invalidArgument(`map: only tasks made by task() can be mapped`);
      return functionContainer(decl.inner, inner, ctx, decl);
    }
    case "reference":
      throw AloftError.invalidArgument(`task ${decl.id.name} is a reference; its container is not known`);
  }
}

/** The id a task is registered under (its own id for references). @internal */
export function taskIdOf(entity: TaskEntityLike, ctx: SerializeContext): Identifier {
  const decl = entity[DECL];
  if (decl.kind === "reference") return taskId(decl.id);
  const { project, domain, version } = ctx.settings;
  return taskId({ project, domain, name: ctx.naming.nameOf(entity), version });
}

/**
 * The `TaskTemplate` of a task, field by field as flytekit's `get_serializable_task` writes a
 * python-task (here `ts-task`), a `ContainerTask` (`raw-container`) or an `ArrayNodeMapTask` (the
 * mapped task's type with `task_type_version` 1 and a list interface).
 *
 * @throws AloftError `InvalidArgument` for reference tasks (registered elsewhere), unnamed or
 * unexported tasks, and images naming unknown settings.
 */
export function taskTemplate(entity: TaskEntityLike, ctx: SerializeContext): TaskTemplate {
  const decl = entity[DECL];
  const id = taskIdOf(entity, ctx);
  switch (decl.kind) {
    case "function": {
      const template = create(TaskTemplateSchema, {
        id,
        type: TS_TASK_TYPE,
        metadata: taskMetadata(decl.metadata),
        interface: typedInterface(decl.iface),
        taskTypeVersion: 0,
        securityContext: secretsContext(decl.container.secrets),
        config: {},
      });
      setTarget(template, decl.container, functionContainer(entity, decl, ctx), ctx);
      return template;
    }
    case "container": {
      const dataConfig = dataLoadingConfig(decl);
      const template = create(TaskTemplateSchema, {
        id,
        type: "raw-container",
        metadata: taskMetadata(decl.metadata),
        interface: typedInterface(decl.iface),
        taskTypeVersion: 0,
        securityContext: secretsContext(decl.container.secrets),
        config: {},
      });
      const c = container(decl.container, ctx, { command: decl.command, args: decl.args, dataConfig });
      if (decl.container.podTemplate !== undefined) c.dataConfig = undefined;
      setTarget(template, decl.container, c, ctx, dataConfig);
      return template;
    }
    case "map": {
      const inner = decl.inner[DECL];
      if (inner.kind !== "function") {
        throw AloftError.invalidArgument(`map: only tasks made by task() can be mapped, not ${inner.kind} tasks`);
      }
      const template = create(TaskTemplateSchema, {
        id,
        type: TS_TASK_TYPE,
        metadata: taskMetadata(inner.metadata),
        interface: typedInterface(decl.iface),
        taskTypeVersion: 1,
        securityContext: secretsContext(inner.container.secrets),
        config: {},
      });
      setTarget(template, inner.container, functionContainer(decl.inner, inner, ctx, decl), ctx);
      return template;
    }
    case "reference":
      throw AloftError.invalidArgument(
        `task ${decl.id.name} is a reference to a registered task; it is not serialized`,
      );
  }
}

/** The `TaskSpec` of a task (template and description). @internal */
export function taskSpec(entity: TaskEntityLike, ctx: SerializeContext): TaskSpec {
  const decl = entity[DECL];
  const description =
    decl.kind === "function" || decl.kind === "container" ? descriptionEntity(decl.description) : undefined;
  return create(TaskSpecSchema, { template: taskTemplate(entity, ctx), description });
}

/**
 * Serializes a task for registration: its `TaskSpec`, with ids from `settings` (project, domain,
 * version) and its registered name.
 *
 * @throws AloftError `InvalidArgument` when the task is unnamed or not exported, is a reference, or
 * names an image the settings lack.
 */
export function serializeTask(task: EntityBase, settings: SerializationSettings): TaskSpec {
  const decl = (task as Partial<TaskEntityLike>)[DECL];
  if (task.kind !== "task" || decl === undefined) {
    throw AloftError.invalidArgument(`serializeTask: expected a task, got a ${task.kind}`);
  }
  return taskSpec(task as TaskEntityLike, { settings, naming: strictNaming() });
}
