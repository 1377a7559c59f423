/**
 * Lineage of cached results (transformer.go in flytepropeller's datacatalog client): which task execution produced
 * an artifact is written into dataset and artifact metadata, and read back into the `CatalogMetadata` node events
 * carry.
 */
import { AloftError } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { type CatalogMetadata, CatalogMetadataSchema } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import {
  type Identifier,
  IdentifierSchema,
  ResourceType,
  type TaskExecutionIdentifier,
  TaskExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  type DatasetID,
  type Metadata,
  MetadataSchema,
  type Tag,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";

/** The metadata keys Flyte writes on datasets (`task-version`) and artifacts (the rest). */
export const CatalogMetadataKey = {
  taskVersion: "task-version",
  executionName: "execution-name",
  executionDomain: "exec-domain",
  executionProject: "exec-project",
  executionNode: "exec-node",
  executionAttempt: "exec-attempt",
} as const;

const UNKNOWN = "unknown";
const MAX_UINT32 = 4_294_967_295;

/** Dataset metadata recording the task version that created it (`GetDatasetMetadataForSource`). */
export function datasetMetadataForSource(source: TaskExecutionIdentifier | undefined): Metadata {
  if (source === undefined) return create(MetadataSchema);
  return create(MetadataSchema, { keyMap: { [CatalogMetadataKey.taskVersion]: source.taskId?.version ?? "" } });
}

/** Artifact metadata recording the attempt that produced it (`GetArtifactMetadataForSource`). */
export function artifactMetadataForSource(source: TaskExecutionIdentifier | undefined): Metadata {
  if (source === undefined) return create(MetadataSchema);
  const node = source.nodeExecutionId;
  return create(MetadataSchema, {
    keyMap: {
      [CatalogMetadataKey.executionProject]: node?.executionId?.project ?? "",
      [CatalogMetadataKey.executionDomain]: node?.executionId?.domain ?? "",
      [CatalogMetadataKey.executionName]: node?.executionId?.name ?? "",
      [CatalogMetadataKey.executionNode]: node?.nodeId ?? "",
      [CatalogMetadataKey.executionAttempt]: String(source.retryAttempt),
    },
  });
}

/**
 * The task execution that produced a cached artifact (`GetSourceFromMetadata`). Entries written before Flyte
 * recorded full lineage lack keys: the version, execution name and node become `unknown`, the project and domain
 * those of `currentTaskId`, the attempt 0.
 *
 * @throws AloftError InvalidArgument when the recorded attempt is not an unsigned 32-bit integer.
 */
export function sourceFromMetadata(
  datasetMetadata: Metadata | undefined,
  artifactMetadata: Metadata | undefined,
  currentTaskId: Identifier,
): TaskExecutionIdentifier {
  const dataset = datasetMetadata?.keyMap ?? {};
  const artifact = artifactMetadata?.keyMap ?? {};
  const attemptText = valueOr(artifact, CatalogMetadataKey.executionAttempt, "0");
  const attempt = /^[0-9]+$/.test(attemptText) ? Number(attemptText) : Number.NaN;
  if (!(attempt <= MAX_UINT32)) {
    throw AloftError.invalidArgument(`failed to parse [${attemptText}] to integer`);
  }
  return create(TaskExecutionIdentifierSchema, {
    taskId: {
      resourceType: currentTaskId.resourceType,
      project: currentTaskId.project,
      domain: currentTaskId.domain,
      name: currentTaskId.name,
      version: valueOr(dataset, CatalogMetadataKey.taskVersion, UNKNOWN),
    },
    retryAttempt: attempt,
    nodeExecutionId: {
      nodeId: valueOr(artifact, CatalogMetadataKey.executionNode, UNKNOWN),
      executionId: {
        project: valueOr(artifact, CatalogMetadataKey.executionProject, currentTaskId.project),
        domain: valueOr(artifact, CatalogMetadataKey.executionDomain, currentTaskId.domain),
        name: valueOr(artifact, CatalogMetadataKey.executionName, UNKNOWN),
      },
    },
  });
}

/** A dataset id as the `Identifier` (resource type DATASET) events carry (`DatasetIDToIdentifier`). */
export function datasetIdToIdentifier(id: DatasetID): Identifier {
  return create(IdentifierSchema, {
    resourceType: ResourceType.DATASET,
    project: id.project,
    domain: id.domain,
    name: id.name,
    version: id.version,
  });
}

/** The `CatalogMetadata` of a node event (`EventCatalogMetadata`). */
export function eventCatalogMetadata(
  datasetId: DatasetID,
  tag?: Pick<Tag, "name" | "artifactId">,
  source?: TaskExecutionIdentifier,
): CatalogMetadata {
  return create(CatalogMetadataSchema, {
    datasetId: datasetIdToIdentifier(datasetId),
    ...(tag === undefined ? {} : { artifactTag: { artifactId: tag.artifactId, name: tag.name } }),
    ...(source === undefined ? {} : { sourceExecution: { case: "sourceTaskExecution", value: source } }),
  });
}

function valueOr(map: { readonly [key: string]: string }, key: string, fallback: string): string {
  return Object.hasOwn(map, key) ? (map[key] ?? fallback) : fallback;
}
