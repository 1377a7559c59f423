import type {
  DescriptionEntitiesTable,
  ExecutionsTable,
  ExecutionTagsTable,
  LaunchPlansTable,
  NamedEntityMetadataTable,
  NodeExecutionEventsTable,
  NodeExecutionsTable,
  ProjectsTable,
  SignalsTable,
  TaskExecutionsTable,
  TasksTable,
  WorkflowsTable,
} from "../../db/schema.js";

/**
 * Entities a filter or sort key can name, with flyteadmin's short codes (`common/entity.go`); the
 * codes appear in error messages such as "'e.foo' is invalid filter", which clients may match.
 */
export const Entity = {
  Execution: "e",
  LaunchPlan: "l",
  NodeExecution: "ne",
  NodeExecutionEvent: "nee",
  Task: "t",
  TaskExecution: "te",
  Workflow: "w",
  NamedEntity: "nen",
  NamedEntityMetadata: "nem",
  Project: "p",
  Signal: "s",
  AdminTag: "at",
  ExecutionAdminTag: "eat",
  ExecutionTag: "et",
  DescriptionEntity: "de",
} as const;

/** An entity code, e.g. `"e"` for executions. */
export type Entity = (typeof Entity)[keyof typeof Entity];

/**
 * How a column's filter values are read and bound: `text` as given, `int` as an integer, `time` as
 * RFC 3339 (stored as `DbTime`), `duration` as seconds or a Go duration (stored in nanoseconds),
 * `bool` as true/false. `bytes` columns (serialized protos) can be neither filtered nor sorted on.
 */
export type ColumnKind = "text" | "int" | "time" | "duration" | "bool" | "bytes";

/** One entry per column of a table; the mapped type makes the compiler reject a missing column. */
type ColumnKinds<Table> = { readonly [Column in keyof Table & string]-?: ColumnKind };

/** What filters may reference for one entity. */
export interface EntityDefinition {
  /** Table name (or, for named entities, the alias of the derived table) used to qualify columns. */
  readonly table: string;
  /** The entity's real columns; only these may appear in filters and sort keys. */
  readonly columns: Readonly<Record<string, ColumnKind>>;
  /** Entities whose columns filters of a list over this entity may reference (joins). */
  readonly allowedJoins: readonly Entity[];
}

const timestamps = { created_at: "time", updated_at: "time" } as const;

const projectColumns: ColumnKinds<ProjectsTable> = {
  id: "int",
  identifier: "text",
  name: "text",
  description: "text",
  labels: "bytes",
  state: "int",
  ...timestamps,
};

const taskColumns: ColumnKinds<TasksTable> = {
  id: "int",
  project: "text",
  domain: "text",
  name: "text",
  version: "text",
  closure: "bytes",
  digest: "bytes",
  type: "text",
  short_description: "text",
  ...timestamps,
};

const workflowColumns: ColumnKinds<WorkflowsTable> = {
  id: "int",
  project: "text",
  domain: "text",
  name: "text",
  version: "text",
  typed_interface: "bytes",
  remote_closure_identifier: "text",
  digest: "bytes",
  short_description: "text",
  ...timestamps,
};

const launchPlanColumns: ColumnKinds<LaunchPlansTable> = {
  id: "int",
  project: "text",
  domain: "text",
  name: "text",
  version: "text",
  spec: "bytes",
  workflow_id: "int",
  closure: "bytes",
  state: "int",
  digest: "bytes",
  schedule_type: "text",
  launch_condition_type: "text",
  ...timestamps,
};

const executionColumns: ColumnKinds<ExecutionsTable> = {
  id: "int",
  execution_project: "text",
  execution_domain: "text",
  execution_name: "text",
  launch_plan_id: "int",
  workflow_id: "int",
  task_id: "int",
  phase: "text",
  closure: "bytes",
  spec: "bytes",
  started_at: "time",
  execution_created_at: "time",
  execution_updated_at: "time",
  duration: "duration",
  abort_cause: "text",
  mode: "int",
  source_execution_id: "int",
  parent_node_execution_id: "int",
  cluster: "text",
  inputs_uri: "text",
  user_inputs_uri: "text",
  error_kind: "text",
  error_code: "text",
  user: "text",
  state: "int",
  launch_entity: "text",
  ...timestamps,
};

const executionTagColumns: ColumnKinds<ExecutionTagsTable> = {
  id: "int",
  execution_project: "text",
  execution_domain: "text",
  execution_name: "text",
  key: "text",
  value: "text",
  ...timestamps,
};

const nodeExecutionColumns: ColumnKinds<NodeExecutionsTable> = {
  id: "int",
  execution_project: "text",
  execution_domain: "text",
  execution_name: "text",
  node_id: "text",
  phase: "text",
  input_uri: "text",
  closure: "bytes",
  started_at: "time",
  node_execution_created_at: "time",
  node_execution_updated_at: "time",
  duration: "duration",
  node_execution_metadata: "bytes",
  parent_id: "int",
  parent_task_execution_id: "int",
  error_kind: "text",
  error_code: "text",
  cache_status: "text",
  dynamic_workflow_remote_closure_reference: "text",
  event_version: "int",
  ...timestamps,
};

const nodeExecutionEventColumns: ColumnKinds<NodeExecutionEventsTable> = {
  id: "int",
  execution_project: "text",
  execution_domain: "text",
  execution_name: "text",
  node_id: "text",
  phase: "text",
  request_id: "text",
  occurred_at: "time",
  ...timestamps,
};

const taskExecutionColumns: ColumnKinds<TaskExecutionsTable> = {
  id: "int",
  project: "text",
  domain: "text",
  name: "text",
  version: "text",
  execution_project: "text",
  execution_domain: "text",
  execution_name: "text",
  node_id: "text",
  retry_attempt: "int",
  phase: "text",
  phase_version: "int",
  input_uri: "text",
  closure: "bytes",
  started_at: "time",
  task_execution_created_at: "time",
  task_execution_updated_at: "time",
  duration: "duration",
  ...timestamps,
};

const namedEntityMetadataColumns: ColumnKinds<NamedEntityMetadataTable> = {
  id: "int",
  resource_type: "int",
  project: "text",
  domain: "text",
  name: "text",
  description: "text",
  state: "int",
  ...timestamps,
};

const descriptionEntityColumns: ColumnKinds<DescriptionEntitiesTable> = {
  id: "int",
  resource_type: "int",
  project: "text",
  domain: "text",
  name: "text",
  version: "text",
  short_description: "text",
  long_description: "bytes",
  link: "text",
  ...timestamps,
};

const signalColumns: ColumnKinds<SignalsTable> = {
  id: "int",
  execution_project: "text",
  execution_domain: "text",
  execution_name: "text",
  signal_id: "text",
  type: "bytes",
  value: "bytes",
  ...timestamps,
};

/**
 * Per entity: its table, its columns and what it may join, as flyteadmin's
 * `allowedJoinEntities` and model columns define them (`manager/impl/util/filters.go`).
 */
export const ENTITY_DEFINITIONS: Readonly<Record<Entity, EntityDefinition>> = {
  e: {
    table: "executions",
    columns: executionColumns,
    allowedJoins: ["e", "l", "w", "t", "at", "et"],
  },
  l: { table: "launch_plans", columns: launchPlanColumns, allowedJoins: ["l", "w"] },
  ne: { table: "node_executions", columns: nodeExecutionColumns, allowedJoins: ["ne", "e"] },
  nee: { table: "node_execution_events", columns: nodeExecutionEventColumns, allowedJoins: ["nee"] },
  t: { table: "tasks", columns: taskColumns, allowedJoins: ["t"] },
  te: { table: "task_executions", columns: taskExecutionColumns, allowedJoins: ["te", "t", "e", "ne"] },
  w: { table: "workflows", columns: workflowColumns, allowedJoins: ["w"] },
  // A named entity is a derived row (see named-entity-repo.ts); its metadata columns live in nem.
  nen: {
    table: "entities",
    columns: { resource_type: "int", project: "text", domain: "text", name: "text", description: "text", state: "int" },
    allowedJoins: ["nen", "nem"],
  },
  nem: { table: "named_entity_metadata", columns: namedEntityMetadataColumns, allowedJoins: ["nem"] },
  p: { table: "projects", columns: projectColumns, allowedJoins: ["p"] },
  s: { table: "signals", columns: signalColumns, allowedJoins: ["s"] },
  // admin_tags was folded into execution_tags (flyteadmin 2024-06-06): `admin_tag.name` means `execution_tags.key`.
  at: {
    table: "execution_tags",
    columns: { id: "int", name: "text", ...timestamps },
    allowedJoins: ["at"],
  },
  eat: { table: "execution_admin_tags", columns: {}, allowedJoins: [] },
  et: { table: "execution_tags", columns: executionTagColumns, allowedJoins: ["et"] },
  de: { table: "description_entities", columns: descriptionEntityColumns, allowedJoins: ["de"] },
};

/** Field prefixes that point a filter at another entity (`workflow.name`), as flyteadmin spells them. */
export const ENTITY_PREFIXES: ReadonlyArray<readonly [string, Entity]> = [
  ["task.", "t"],
  ["workflow.", "w"],
  ["launch_plan.", "l"],
  ["execution.", "e"],
  ["node_execution.", "ne"],
  ["task_execution.", "te"],
  ["entities.", "nen"],
  ["named_entity_metadata.", "nem"],
  ["project.", "p"],
  ["signal.", "s"],
  ["admin_tag.", "at"],
  ["execution_admin_tag.", "eat"],
  ["execution_tag.", "et"],
];

/** Entities whose `project`/`domain`/`name` are the execution's (`execution_project`, …). */
const EXECUTION_SCOPED: ReadonlySet<Entity> = new Set<Entity>(["e", "ne", "nee", "te", "s"]);
const EXECUTION_ID_FIELDS: ReadonlySet<string> = new Set(["project", "domain", "name"]);

/** Where a field named in a filter really lives, after flyteadmin's rewrites. */
export interface ResolvedColumn {
  readonly entity: Entity;
  readonly column: string;
  readonly kind: ColumnKind;
  /** Compare `COALESCE(column, default)` instead of the column (named entity state: no row = ACTIVE). */
  readonly coalesceDefault?: number;
}

/**
 * Applies flyteadmin's field rewrites (`common/filters.go` `customizeField`/`customizeEntity`):
 * execution-scoped `project|domain|name` → `execution_*`; `admin_tag.name` → `execution_tags.key`;
 * named-entity `description`/`state` → `named_entity_metadata`, state wrapped in `COALESCE(state, 0)`.
 * Returns undefined if the rewritten column does not exist.
 */
export function resolveColumn(entity: Entity, field: string): ResolvedColumn | undefined {
  let target: Entity = entity;
  let column = field;
  if (EXECUTION_SCOPED.has(entity) && EXECUTION_ID_FIELDS.has(field)) column = `execution_${field}`;
  if (entity === "at") {
    target = "et";
    if (field === "name") column = "key";
  }
  if (entity === "nen" && (field === "description" || field === "state")) target = "nem";
  const kind = ENTITY_DEFINITIONS[target].columns[column];
  if (kind === undefined) return undefined;
  return target === "nem" && column === "state"
    ? { entity: target, column, kind, coalesceDefault: 0 }
    : { entity: target, column, kind };
}
