import { createHash } from "node:crypto";
import { TYPE_BRAND, type AnyType, type Shape } from "../types/type.js";
import { definitionError } from "../workflow/definition-error.js";
import { checkOutputNames } from "../workflow/node-result.js";
import type { ContainerDecl, InterfaceDecl, TaskMetadataDecl, VarDecl } from "./decl.js";
import type { CallSite } from "./entity.js";
import { type PodTemplate, type ResourceSpec, type SecretRequest, validateSecret } from "./resources.js";

/** Caching of a task's outputs by its inputs (flytekit's `Cache`). */
export interface CacheOptions {
  /**
   * Bump to invalidate earlier results. When left out, a hash of the task's code is used: for `task()`
   * the source text of the function (`fn.toString()`), for `containerTask()` its image, command and
   * arguments. Any edit of the function then starts a fresh cache.
   */
  version?: string;
  /** Run identical concurrent executions once and share the result. @default false */
  serialize?: boolean;
  /** Inputs left out of the cache key. @default [] */
  ignoredInputs?: readonly string[];
}

/** Options every kind of task shares (the `TaskMetadata` and container settings of flytekit's `@task`). */
export interface CommonTaskOptions {
  /** The registered name; by default `<module path>.<export name>`, assigned when the module is loaded. */
  name?: string;
  /** A short description (the first line) and optional details, shown by the console. */
  description?: string;
  /** Retries after a failure. @default 0 */
  retries?: number;
  /** Timeout of one attempt, in milliseconds. @default no timeout */
  timeoutMs?: number;
  /** Whether the task may run on interruptible (spot) machines; by default the workflow's setting applies. */
  interruptible?: boolean;
  /** Cache outputs by inputs: `true` (version derived from the code) or options. @default false */
  cache?: boolean | CacheOptions;
  /** Resource requests of the container. */
  requests?: ResourceSpec;
  /** Resource limits of the container. */
  limits?: ResourceSpec;
  /** Environment variables of the container, added to the registration's. */
  env?: Readonly<Record<string, string>>;
  /** Secrets mounted into the container. */
  secrets?: readonly SecretRequest[];
  /** A pod template to run in (the task becomes a `k8s_pod` target). */
  podTemplate?: PodTemplate;
  /** The name of a PodTemplate resource in the cluster to start from. */
  podTemplateName?: string;
  /** Marks the task deprecated with this message (shown when it is used). */
  deprecated?: string;
  /** Kubernetes labels of the task's pod. */
  labels?: Readonly<Record<string, string>>;
  /** Kubernetes annotations of the task's pod. */
  annotations?: Readonly<Record<string, string>>;
}

/** Whether `value` is a type made by `t.*` (of any SDK copy). @internal */
export function isType(value: unknown): value is AnyType {
  return typeof value === "object" && value !== null && (value as { [TYPE_BRAND]?: unknown })[TYPE_BRAND] === true;
}

function varDecl(name: string, type: AnyType): VarDecl {
  return { literalType: type.literalType, type, description: type.description ?? name, optional: type.optional };
}

function shapeDecl(shape: unknown, what: string, site: CallSite | undefined): Record<string, VarDecl> {
  if (shape === undefined) return {};
  if (typeof shape !== "object" || shape === null || Array.isArray(shape)) {
    throw definitionError(site, `${what} must be an object of types ({ x: t.int(), … })`);
  }
  const out: Record<string, VarDecl> = {};
  for (const [name, type] of Object.entries(shape)) {
    if (!isType(type))
      throw definitionError(site, `${what}: "${name}" is not a type made by t.* (got ${String(type)})`);
    if (name === "") throw definitionError(site, `${what}: variable names cannot be empty`);
    out[name] = varDecl(name, type);
  }
  return out;
}

/** The options that declare an interface. */
export interface InterfaceOptions {
  inputs?: Shape;
  outputs?: Shape;
  output?: AnyType;
}

/**
 * The interface declared by `inputs` and `outputs`/`output` (one output, named `o0` as flytekit names
 * unnamed outputs), checked: only types made by `t.*`, not both output forms, no output names that
 * would shadow the methods of call results.
 * @internal
 */
export function interfaceFromOptions(
  options: InterfaceOptions,
  label: string,
  site: CallSite | undefined,
): InterfaceDecl {
  const inputs = shapeDecl(options.inputs, `inputs of ${label}`, site);
  if (options.output !== undefined && options.outputs !== undefined) {
    throw definitionError(site, `${label}: give either output (one value) or outputs (named values), not both`);
  }
  let outputs: Record<string, VarDecl>;
  const single = options.output !== undefined;
  if (single) {
    if (!isType(options.output)) throw definitionError(site, `output of ${label} is not a type made by t.*`);
    outputs = { o0: varDecl("o0", options.output) };
  } else {
    outputs = shapeDecl(options.outputs, `outputs of ${label}`, site);
  }
  checkOutputNames(
    Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.literalType])),
    single,
    label,
    site,
  );
  return { inputs, outputs, single };
}

/** The shapes behind an interface, for the `inputs`/`outputs` properties of entities. @internal */
export function shapesOf(iface: InterfaceDecl): { inputs: Shape; outputs: Shape } {
  const toShape = (vars: Readonly<Record<string, VarDecl>>): Shape => {
    const shape: Record<string, AnyType> = {};
    for (const [k, v] of Object.entries(vars)) if (v.type !== undefined) shape[k] = v.type;
    return shape;
  };
  return { inputs: toShape(iface.inputs), outputs: toShape(iface.outputs) };
}

function nonNegativeInteger(value: unknown, what: string, site: CallSite | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw definitionError(site, `${what} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function stringMap(value: unknown, what: string, site: CallSite | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw definitionError(site, `${what} must be an object of strings`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw definitionError(site, `${what}: "${k}" must be a string, got ${typeof v}`);
  }
  return { ...(value as Record<string, string>) };
}

/** A short, stable cache version derived from code text. @internal */
export function codeHashVersion(...parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 20);
}

/**
 * Resolves and checks the `TaskMetadata` options, as flytekit's `TaskMetadata.__post_init__` does
 * (plus: ignored cache inputs must be inputs). `derivedCacheVersion` supplies the version of
 * `cache: true` or `cache: {}`.
 * @internal
 */
export function compileTaskMetadata(
  options: CommonTaskOptions,
  iface: InterfaceDecl,
  label: string,
  site: CallSite | undefined,
  derivedCacheVersion: () => string,
): TaskMetadataDecl {
  const retries = nonNegativeInteger(options.retries, `${label}: retries`, site) ?? 0;
  if (options.timeoutMs !== undefined && (!Number.isFinite(options.timeoutMs) || options.timeoutMs < 0)) {
    throw definitionError(site, `${label}: timeoutMs must be a non-negative number, got ${options.timeoutMs}`);
  }
  let cache: TaskMetadataDecl["cache"];
  if (options.cache !== undefined && options.cache !== false) {
    const c: CacheOptions = options.cache === true ? {} : options.cache;
    const ignored = [...(c.ignoredInputs ?? [])];
    for (const name of ignored) {
      if (!(name in iface.inputs))
        throw definitionError(site, `${label}: cache.ignoredInputs names "${name}", which is not an input`);
    }
    if (c.version !== undefined && (typeof c.version !== "string" || c.version === "")) {
      throw definitionError(site, `${label}: cache.version must be a non-empty string`);
    }
    cache = { version: c.version ?? derivedCacheVersion(), serialize: c.serialize ?? false, ignoredInputs: ignored };
  }
  return {
    retries,
    timeoutMs: options.timeoutMs === 0 ? undefined : options.timeoutMs,
    interruptible: options.interruptible,
    cache,
    deprecated: options.deprecated,
    podTemplateName: options.podTemplateName,
    labels: stringMap(options.labels, `${label}: labels`, site),
    annotations: stringMap(options.annotations, `${label}: annotations`, site),
  };
}

/** Resolves and checks the container options of a task. @internal */
export function compileContainerDecl(
  options: CommonTaskOptions & { image?: string },
  label: string,
  site: CallSite | undefined,
): ContainerDecl {
  const secrets = [...(options.secrets ?? [])];
  for (const s of secrets) {
    try {
      validateSecret(s, `${label}: secrets`);
    } catch (e) {
      throw definitionError(site, (e as Error & { rawMessage?: string }).rawMessage ?? String(e));
    }
  }
  if (options.image !== undefined && (typeof options.image !== "string" || options.image === "")) {
    throw definitionError(site, `${label}: image must be a non-empty string`);
  }
  const podTemplate = options.podTemplate;
  if (podTemplate !== undefined && (typeof podTemplate.podSpec !== "object" || podTemplate.podSpec === null)) {
    throw definitionError(site, `${label}: podTemplate.podSpec must be a Kubernetes pod spec object`);
  }
  return {
    image: options.image,
    env: stringMap(options.env, `${label}: env`, site) ?? {},
    requests: options.requests,
    limits: options.limits,
    secrets,
    podTemplate,
  };
}

/** Refuses option names a factory does not know (a typo would otherwise be silently ignored). @internal */
export function checkKnownOptions(
  options: object,
  known: readonly string[],
  label: string,
  site: CallSite | undefined,
): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw definitionError(site, `${label}: unknown option ${unknown.map((k) => `"${k}"`).join(", ")}`);
  }
}

/** The option names of {@link CommonTaskOptions}. @internal */
export const COMMON_TASK_OPTION_NAMES: readonly string[] = [
  "name",
  "description",
  "retries",
  "timeoutMs",
  "interruptible",
  "cache",
  "requests",
  "limits",
  "env",
  "secrets",
  "podTemplate",
  "podTemplateName",
  "deprecated",
  "labels",
  "annotations",
  "inputs",
  "outputs",
  "output",
];
