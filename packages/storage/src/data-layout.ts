/**
 * Where Flyte 1 keeps an execution's data in the blob store, as pure functions, so data written by Aloft
 * and by Flyte can be read by either. Sources (flyteorg/flyte at 89cf9cc7):
 * - metadata root and workflow dir: `flytepropeller/pkg/controller/workflow/executor.go`
 *   (`NewExecutor`, `constructWorkflowMetadataPrefix`, `handleReadyWorkflow`);
 * - node data/output dirs: `flytepropeller/pkg/apis/flyteworkflow/v1alpha1/{workflow_status,node_status}.go`,
 *   `nodes/branch/handler.go`, `nodes/dynamic/dynamic_workflow.go`, `nodes/array/utils.go`;
 * - file names: `flyteplugins/go/tasks/pluginmachinery/ioutils/paths.go`, `v1alpha1/iface.go`,
 *   `nodes/task/future_file_reader.go`;
 * - raw output and checkpoints: `nodes/task/taskexec_context.go` (`ComputeRawOutputPrefix`,
 *   `ComputePreviousCheckpointPath`), `ioutils/raw_output_path.go`, `ioutils/precomputed_shardselector.go`;
 * - unique node ids: `nodes/common/utils.go` (`GenerateUniqueID`);
 * - catalog artifacts: `datacatalog/pkg/manager/impl/artifact_data_store.go`.
 *
 * Every join is {@link joinUri} (Flyte's `ConstructReference`). Unique ids follow event version 1 and
 * later, where nodes below a parent are named after their lineage.
 */
import { AloftError, fixedLengthUniqueIdForParts, rawOutputShard } from "@aloft/idl";
import { joinUri } from "./blob-uri.js";

/** propeller's default `metadata-prefix`. */
export const DEFAULT_METADATA_PREFIX = "metadata/propeller";
/** datacatalog's default `storage-prefix`. */
export const DEFAULT_CATALOG_STORAGE_PREFIX = "metadata";
/** Id of every workflow's start node; its outputs are the workflow's inputs. */
export const START_NODE_ID = "start-node";
/** Id of every workflow's end node; its outputs are the workflow's outputs. */
export const END_NODE_ID = "end-node";
/** Longest unique node id before it is hashed (propeller's `maxUniqueIDLength`). */
export const UNIQUE_NODE_ID_MAX_LENGTH = 20;
/** Longest generated name before it is hashed (propeller's task `IDMaxLength`). */
export const GENERATED_NAME_MAX_LENGTH = 50;

/** File names inside a node's data and output directories. */
export const LayoutFile = {
  /** `LiteralMap` of a node's inputs, in its data dir. */
  inputs: "inputs.pb",
  /** `LiteralMap` of an attempt's outputs, in its output dir. */
  outputs: "outputs.pb",
  /** `ErrorDocument` written by a task that failed in a handled way. */
  error: "error.pb",
  /** HTML deck written by the task. */
  deck: "deck.html",
  /** `DynamicJobSpec` written by a dynamic task instead of outputs. */
  futures: "futures.pb",
  /** Compiled dynamic workflow, cached as the FlyteWorkflow CRD in JSON. */
  futuresCompiled: "futures_compiled.pb",
  /** Compiled dynamic workflow closure, cached. */
  dynamicCompiled: "dynamic_compiled.pb",
  /** `TaskTemplate`, uploaded to the data dir only when a task asks for `{{.taskTemplatePath}}`. */
  taskTemplate: "task.pb",
  /** datacatalog: one `Literal` per artifact output. */
  catalogData: "data.pb",
} as const;

/** Directory for checkpoints under an attempt's raw output prefix. */
export const CHECKPOINT_DIR = "_flytecheckpoints";

/** A workflow execution's identity, as `flyteidl.core.WorkflowExecutionIdentifier`. */
export interface ExecutionIdParts {
  project: string;
  domain: string;
  name: string;
}

/** The parent of a node below a sub-workflow, branch, dynamic or array node (propeller's `ParentInfo`). */
export interface ParentNode {
  /** The parent's own unique id ({@link uniqueNodeId}). */
  uniqueId: string;
  /** The parent's current attempt. */
  attempt: number;
}

/** Where propeller keeps metadata: `<baseUri>/<metadataPrefix>` (the base alone if the prefix is empty). */
export function metadataRoot(options: { baseUri: string; metadataPrefix?: string }): string {
  const prefix = options.metadataPrefix ?? DEFAULT_METADATA_PREFIX;
  return prefix === "" ? options.baseUri : joinUri(options.baseUri, prefix);
}

/** An execution's data dir: `<metadataRoot>/<project>-<domain>-<name>`. */
export function workflowDataDir(options: { metadataRoot: string; executionId: ExecutionIdParts }): string {
  const { project, domain, name } = options.executionId;
  return joinUri(options.metadataRoot, `${project}-${domain}-${name}`);
}

/** A top-level node's data dir: `<workflowDataDir>/<nodeId>/data`. */
export function nodeDataDir(options: { workflowDataDir: string; nodeId: string }): string {
  return joinUri(options.workflowDataDir, options.nodeId, "data");
}

/**
 * Data dir of a node inside another node's output — a sub-workflow's nodes, a branch's chosen node,
 * a dynamic node's children: `<parentOutputDir>/<nodeId>`.
 */
export function nestedNodeDataDir(options: { parentOutputDir: string; nodeId: string }): string {
  return joinUri(options.parentOutputDir, options.nodeId);
}

/** A node attempt's output dir (the task's output prefix): `<nodeDataDir>/<attempt>`. */
export function nodeOutputDir(options: { nodeDataDir: string; attempt: number }): string {
  return joinUri(options.nodeDataDir, attemptString(options.attempt));
}

/** Sub-node `index` of an array node: data `<arrayDataDir>/<index>/<attempt>`, output `<arrayOutputDir>/<index>/<attempt>`. */
export function arraySubNodeDirs(options: {
  arrayDataDir: string;
  arrayOutputDir: string;
  index: number;
  subNodeAttempt: number;
}): { dataDir: string; outputDir: string } {
  const parts = [attemptString(options.index), attemptString(options.subNodeAttempt)];
  return { dataDir: joinUri(options.arrayDataDir, ...parts), outputDir: joinUri(options.arrayOutputDir, ...parts) };
}

/** Node id propeller gives array sub-node `index`: `n<index>`. */
export function arraySubNodeId(index: number): string {
  return `n${attemptString(index)}`;
}

/** `<nodeDataDir>/inputs.pb`. */
export function inputsPath(nodeDataDir: string): string {
  return joinUri(nodeDataDir, LayoutFile.inputs);
}

/** `<outputDir>/outputs.pb`. */
export function outputsPath(outputDir: string): string {
  return joinUri(outputDir, LayoutFile.outputs);
}

/** `<outputDir>/error.pb`. */
export function errorPath(outputDir: string): string {
  return joinUri(outputDir, LayoutFile.error);
}

/** `<outputDir>/deck.html`. */
export function deckPath(outputDir: string): string {
  return joinUri(outputDir, LayoutFile.deck);
}

/** `<outputDir>/futures.pb`. */
export function futuresPath(outputDir: string): string {
  return joinUri(outputDir, LayoutFile.futures);
}

/** `<outputDir>/futures_compiled.pb`. */
export function futuresCompiledPath(outputDir: string): string {
  return joinUri(outputDir, LayoutFile.futuresCompiled);
}

/** `<outputDir>/dynamic_compiled.pb`. */
export function dynamicCompiledPath(outputDir: string): string {
  return joinUri(outputDir, LayoutFile.dynamicCompiled);
}

/** `<nodeDataDir>/task.pb`. */
export function taskTemplatePath(nodeDataDir: string): string {
  return joinUri(nodeDataDir, LayoutFile.taskTemplate);
}

/** An offloaded array-node output: `<outputDir>/<variable>_offloaded_metadata.pb`. */
export function offloadedOutputPath(options: { outputDir: string; variable: string }): string {
  return joinUri(options.outputDir, `${options.variable}_offloaded_metadata.pb`);
}

/** The workflow's inputs, as the start node's outputs: `<workflowDataDir>/start-node/data/0/outputs.pb`. */
export function startNodeOutputsPath(workflowDataDir: string): string {
  return outputsPath(
    nodeOutputDir({ nodeDataDir: nodeDataDir({ workflowDataDir, nodeId: START_NODE_ID }), attempt: 0 }),
  );
}

/** The workflow's outputs, as the end node's: `<workflowDataDir>/end-node/data/0/outputs.pb`. */
export function endNodeOutputsPath(workflowDataDir: string): string {
  return outputsPath(nodeOutputDir({ nodeDataDir: nodeDataDir({ workflowDataDir, nodeId: END_NODE_ID }), attempt: 0 }));
}

/**
 * propeller's `GenerateUniqueID`: `fixedLen20(parentUniqueId-parentAttempt-nodeId)`; a top-level node
 * (no parent) keeps its id when it has at most 20 characters.
 */
export function uniqueNodeId(options: { nodeId: string; parent?: ParentNode }): string {
  const parent = options.parent;
  const parts = parent ? [parent.uniqueId, attemptString(parent.attempt), options.nodeId] : ["", "", options.nodeId];
  return fixedLength(UNIQUE_NODE_ID_MAX_LENGTH, parts);
}

/**
 * The name of a task attempt's pod, plugin resource and cache reservation owner, and the unique part of
 * its raw output prefix: `fixedLen50(executionName-uniqueNodeId-attempt)`. Plugins may ask for another
 * `maxLength` (at least 8).
 */
export function generatedName(options: {
  executionName: string;
  uniqueNodeId: string;
  attempt: number;
  maxLength?: number;
}): string {
  return fixedLength(options.maxLength ?? GENERATED_NAME_MAX_LENGTH, [
    options.executionName,
    options.uniqueNodeId,
    attemptString(options.attempt),
  ]);
}

/**
 * A task attempt's raw (user) data prefix: `<rawPrefix>/<shard>/<generatedName>`, the shard being one of
 * 1,296 two-character prefixes picked by FNV-32a of the generated name. `rawPrefix` is the execution's
 * `raw_output_data_config.output_location_prefix`, else propeller's `rawoutput-prefix`.
 */
export function rawOutputPrefix(options: {
  rawPrefix: string;
  executionName: string;
  uniqueNodeId: string;
  attempt: number;
  maxLength?: number;
}): string {
  const name = generatedName(options);
  return joinUri(options.rawPrefix, rawOutputShard(name), name);
}

/** Checkpoints of an attempt: `<rawOutputPrefix>/_flytecheckpoints` (`""` when the prefix is `""`). */
export function checkpointPrefix(rawOutputPrefixUri: string): string {
  return rawOutputPrefixUri === "" ? "" : joinUri(rawOutputPrefixUri, CHECKPOINT_DIR);
}

/**
 * Checkpoints a task attempt resumes from: the previous attempt's, or for attempt 0 the checkpoint
 * recorded from a recovered execution (`recoveredCheckpointUri`), else `""`.
 */
export function previousCheckpointPrefix(options: {
  rawPrefix: string;
  executionName: string;
  uniqueNodeId: string;
  attempt: number;
  maxLength?: number;
  recoveredCheckpointUri?: string;
}): string {
  if (options.attempt === 0) return options.recoveredCheckpointUri ?? "";
  return checkpointPrefix(rawOutputPrefix({ ...options, attempt: options.attempt - 1 }));
}

/** datacatalog's storage root: `<baseUri>/<storagePrefix>` (default `metadata`). */
export function catalogStorageRoot(options: { baseUri: string; storagePrefix?: string }): string {
  return joinUri(options.baseUri, options.storagePrefix ?? DEFAULT_CATALOG_STORAGE_PREFIX);
}

/**
 * Where datacatalog stores one output of a cached artifact:
 * `<catalogRoot>/<project>/<domain>/<datasetName>/<datasetVersion>/<artifactId>/<outputName>/data.pb`.
 */
export function catalogArtifactDataPath(options: {
  catalogRoot: string;
  dataset: { project: string; domain: string; name: string; version: string };
  artifactId: string;
  outputName: string;
}): string {
  const { project, domain, name, version } = options.dataset;
  return joinUri(
    options.catalogRoot,
    project,
    domain,
    name,
    version,
    options.artifactId,
    options.outputName,
    LayoutFile.catalogData,
  );
}

function fixedLength(maxLength: number, parts: readonly string[]): string {
  try {
    return fixedLengthUniqueIdForParts(maxLength, parts);
  } catch (cause) {
    throw AloftError.invalidArgument(
      `cannot make a name of at most ${maxLength} characters from ${JSON.stringify(parts)}`,
      {
        cause,
      },
    );
  }
}

function attemptString(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw AloftError.invalidArgument(`expected a non-negative integer, got ${value}`);
  }
  return String(value);
}
