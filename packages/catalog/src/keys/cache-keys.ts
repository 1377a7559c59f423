/**
 * Flyte's cache keys, byte for byte (flytepropeller/pkg/controller/nodes/catalog/datacatalog/transformer.go and
 * flyteplugins/go/tasks/pluginmachinery/catalog/hashing.go), so Aloft and Flyte 1 can share one DataCatalog.
 *
 * A cached result is found by dataset (the task's name, cache version and interface signature) and then by tag
 * (the hash of the input values).
 */
import { AloftError } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  type TypedInterface,
  TypedInterfaceSchema,
  type VariableMap,
  VariableMapSchema,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  type Literal,
  type LiteralMap,
  LiteralMapSchema,
  LiteralSchema,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { type DatasetID, DatasetIDSchema } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { pbHash } from "./pb-hash.js";
import { stripInterfaceTypeMetadata } from "./strip-type-metadata.js";

/** Prefix of a task's dataset name: `flyte_task-<task name>`. */
export const TASK_DATASET_PREFIX = "flyte_task";
/** Prefix of the tag naming a cached artifact: `flyte_cached-<inputs hash>`. */
export const CACHED_ARTIFACT_TAG_PREFIX = "flyte_cached";
/** How many characters of each interface hash go into a dataset version. */
const SIGNATURE_HASH_LENGTH = 8;

/** What identifies a task's dataset: its id, cache version and interface. */
export interface TaskDatasetKey {
  /** The task's id; only project, domain and name are used, so every version of a task shares its cache. */
  taskId: Pick<Identifier, "project" | "domain" | "name">;
  /** `TaskMetadata.discovery_version`; surrounding spaces are trimmed. */
  cacheVersion: string;
  /** The task interface, already stripped by {@link stripInterfaceTypeMetadata}. */
  taskInterface: TypedInterface | undefined;
}

/**
 * The dataset that holds a task's cached outputs (`GenerateDatasetIDForTask`): `{project, domain,
 * name: "flyte_task-<name>", version: "<cacheVersion>-<inputsHash8>-<outputsHash8>"}`.
 *
 * @throws AloftError InvalidArgument when the cache version is empty or only spaces.
 */
export function taskDatasetId(key: TaskDatasetKey): DatasetID {
  const cacheVersion = trimSpaces(key.cacheVersion);
  if (cacheVersion === "") {
    throw AloftError.invalidArgument(`task cannot have an empty discoveryVersion ${key.cacheVersion}`);
  }
  return create(DatasetIDSchema, {
    project: key.taskId.project,
    domain: key.taskId.domain,
    name: `${TASK_DATASET_PREFIX}-${key.taskId.name}`,
    version: `${cacheVersion}-${taskSignatureHash(key.taskInterface)}`,
  });
}

/**
 * `<inputsHash8>-<outputsHash8>`: the first 8 characters of the unpadded base64url pbhash of the interface's input
 * and output variable maps (an absent map hashes as an empty one).
 */
export function taskSignatureHash(taskInterface: TypedInterface | undefined): string {
  const inputs = nonEmptyOrEmpty(taskInterface?.inputs);
  const outputs = nonEmptyOrEmpty(taskInterface?.outputs);
  const prefix = (map: VariableMap): string =>
    base64Url(pbHash(VariableMapSchema, map)).slice(0, SIGNATURE_HASH_LENGTH);
  return `${prefix(inputs)}-${prefix(outputs)}`;
}

/**
 * The tag naming the artifact cached for these inputs (`GenerateArtifactTagName`):
 * `flyte_cached-<hashLiteralMap(inputs, cacheIgnoreInputVars)>`.
 */
export function artifactTagName(inputs: LiteralMap | undefined, cacheIgnoreInputVars: readonly string[] = []): string {
  return `${CACHED_ARTIFACT_TAG_PREFIX}-${hashLiteralMap(inputs, cacheIgnoreInputVars)}`;
}

/**
 * The unpadded base64url pbhash of `inputs` without the ignored variables, each literal passed through
 * {@link hashifyLiteral} (`catalog.HashLiteralMap`).
 */
export function hashLiteralMap(inputs: LiteralMap | undefined, cacheIgnoreInputVars: readonly string[] = []): string {
  const ignored = new Set(cacheIgnoreInputVars);
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(inputs?.literals ?? {})) {
    if (!ignored.has(name)) literals[name] = hashifyLiteral(literal);
  }
  return base64Url(pbHash(LiteralMapSchema, create(LiteralMapSchema, { literals })));
}

/**
 * A literal as it enters the inputs hash (`hashify`): a literal with a non-empty `hash` (flytekit's `HashMethod`,
 * offloaded values) becomes a literal carrying only that hash; collections and maps are rebuilt from their hashified
 * elements, dropping their own metadata; any other literal is kept whole.
 */
export function hashifyLiteral(literal: Literal): Literal {
  if (literal.hash !== "") return create(LiteralSchema, { hash: literal.hash });
  const value = literal.value;
  if (value.case === "collection") {
    return create(LiteralSchema, {
      value: { case: "collection", value: { literals: value.value.literals.map(hashifyLiteral) } },
    });
  }
  if (value.case === "map") {
    const literals: Record<string, Literal> = {};
    for (const [name, element] of Object.entries(value.value.literals)) literals[name] = hashifyLiteral(element);
    return create(LiteralSchema, { value: { case: "map", value: { literals } } });
  }
  return literal;
}

/** Everything a cache lookup or write needs to know about one task run, computed once. */
export interface TaskCacheKey {
  /** The task's id, as the source of lineage and for error messages. */
  taskId: Identifier;
  /** The stripped interface the dataset version was computed over. */
  taskInterface: TypedInterface;
  datasetId: DatasetID;
  tagName: string;
}

/**
 * The dataset and tag of a task run, as propeller computes them from the task template and the node's inputs:
 * the interface is stripped of type metadata first, and the inputs are hashed only when the interface declares
 * inputs (propeller then ignores the input file).
 *
 * @throws AloftError InvalidArgument for a template without id or interface, or without a cache version.
 */
export function taskCacheKey(template: TaskTemplate, inputs: LiteralMap | undefined): TaskCacheKey {
  const taskId = template.id;
  if (taskId === undefined) throw AloftError.invalidArgument("task template has no id");
  const taskInterface = stripInterfaceTypeMetadata(template.interface ?? create(TypedInterfaceSchema));
  const datasetId = taskDatasetId({
    taskId,
    cacheVersion: template.metadata?.discoveryVersion ?? "",
    taskInterface,
  });
  const declaresInputs = Object.keys(taskInterface.inputs?.variables ?? {}).length > 0;
  const tagName = artifactTagName(declaresInputs ? inputs : undefined, template.metadata?.cacheIgnoreInputVars ?? []);
  return { taskId, taskInterface, datasetId, tagName };
}

function nonEmptyOrEmpty(map: VariableMap | undefined): VariableMap {
  if (map !== undefined && Object.keys(map.variables).length > 0) return map;
  return create(VariableMapSchema, {});
}

/** Go's `strings.Trim(s, " ")`: spaces only, not other whitespace. */
function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, "");
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
