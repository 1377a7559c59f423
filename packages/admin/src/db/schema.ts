import type { DbTime, HandoffTables, RowTimestamps } from "@aloft/db";
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/*
 * Row types of every admin table: the one TypeScript description of what `migrations/` creates.
 * Column names are flyteadmin's (filters and sort keys sent by Flyte's clients name them), so a
 * field here is also a public contract. Serialized protobufs are `Uint8Array` (bytea / blob);
 * times are `DbTime` strings; int64 columns are JS numbers in both dialects.
 *
 * Every table has an auto-increment `id` primary key (other rows refer to it, e.g.
 * `launch_plans.workflow_id`) and a unique index on its natural key, whose violation becomes
 * `AlreadyExists`. `created_at`/`updated_at` are written by the repositories (never by database
 * defaults, whose formats differ between dialects).
 */

/** `projects`: one row per registered project. */
export interface ProjectsTable extends RowTimestamps {
  id: Generated<number>;
  identifier: string;
  name: string;
  description: string;
  /** Serialized `flyteidl.admin.Labels`, or null when the project has none. */
  labels: Uint8Array | null;
  /** `admin.Project.ProjectState`: ACTIVE=0, ARCHIVED=1, SYSTEM_GENERATED=2, SYSTEM_ARCHIVED=3. */
  state: number;
}

/** `tasks`: one row per task version. */
export interface TasksTable extends RowTimestamps {
  id: Generated<number>;
  project: string;
  domain: string;
  name: string;
  version: string;
  /** Serialized `flyteidl.admin.TaskClosure` (compiled task). */
  closure: Uint8Array;
  /** Digest of the compiled task, compared on re-registration. */
  digest: Uint8Array | null;
  /** Task template type, promoted from the closure for filtering. */
  type: string;
  short_description: string;
}

/** `workflows`: one row per workflow version; the compiled closure lives in the blob store. */
export interface WorkflowsTable extends RowTimestamps {
  id: Generated<number>;
  project: string;
  domain: string;
  name: string;
  version: string;
  /** Serialized `flyteidl.core.TypedInterface` of the primary template (what list calls return). */
  typed_interface: Uint8Array | null;
  /** Blob URI of the serialized `flyteidl.admin.WorkflowClosure`. */
  remote_closure_identifier: string;
  digest: Uint8Array | null;
  short_description: string;
}

/** `launch_plans`: one row per launch plan version. */
export interface LaunchPlansTable extends RowTimestamps {
  id: Generated<number>;
  project: string;
  domain: string;
  name: string;
  version: string;
  /** Serialized `flyteidl.admin.LaunchPlanSpec`. */
  spec: Uint8Array;
  /** `workflows.id` of the launched workflow. */
  workflow_id: number;
  /** Serialized `flyteidl.admin.LaunchPlanClosure`. */
  closure: Uint8Array;
  /** `admin.LaunchPlanState`: INACTIVE=0, ACTIVE=1. */
  state: number;
  digest: Uint8Array | null;
  /** `NONE`, `CRON` or `RATE`. */
  schedule_type: string;
  /** `SCHED` when the launch plan has a schedule, else null. */
  launch_condition_type: string | null;
}

/** `executions`: one row per workflow execution. */
export interface ExecutionsTable extends RowTimestamps {
  id: Generated<number>;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  /** `launch_plans.id`, or 0 for single-task executions. */
  launch_plan_id: number;
  /** `workflows.id`. */
  workflow_id: number;
  /** `tasks.id` for single-task executions, else 0. */
  task_id: number;
  /** `core.WorkflowExecution.Phase` name, e.g. `RUNNING`. */
  phase: string;
  /** Serialized `flyteidl.admin.ExecutionClosure`. */
  closure: Uint8Array;
  /** Serialized `flyteidl.admin.ExecutionSpec`. */
  spec: Uint8Array;
  started_at: DbTime | null;
  /** The closure's `created_at`, indexed (console sorts by it). */
  execution_created_at: DbTime | null;
  execution_updated_at: DbTime | null;
  /** Nanoseconds, as Go's `time.Duration`. */
  duration: number;
  abort_cause: string;
  /** `admin.ExecutionMetadata.ExecutionMode`. */
  mode: number;
  /** `executions.id` of the execution this one relaunches or recovers, else 0. */
  source_execution_id: number;
  /** `node_executions.id` of the node that launched this child execution, else 0. */
  parent_node_execution_id: number;
  cluster: string;
  inputs_uri: string;
  user_inputs_uri: string;
  error_kind: string | null;
  error_code: string | null;
  /** The principal who launched the execution. */
  user: string;
  /** `admin.ExecutionState`: ACTIVE=0, ARCHIVED=1. */
  state: number;
  /** `launch_plan` or `task`. */
  launch_entity: string;
}

/** `execution_tags`: labels (key, value) and deprecated tags (key, "") of an execution request. */
export interface ExecutionTagsTable extends RowTimestamps {
  id: Generated<number>;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  key: string;
  value: string;
}

/** `execution_events`: the phase timeline of workflow executions (audit; written best effort). */
export interface ExecutionEventsTable extends RowTimestamps {
  id: Generated<number>;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  phase: string;
  request_id: string;
  occurred_at: DbTime;
}

/** `node_executions`: one row per node of an execution (including nested and dynamic children). */
export interface NodeExecutionsTable extends RowTimestamps {
  id: Generated<number>;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  node_id: string;
  /** `core.NodeExecution.Phase` name. */
  phase: string;
  input_uri: string;
  /** Serialized `flyteidl.admin.NodeExecutionClosure`. */
  closure: Uint8Array;
  started_at: DbTime | null;
  node_execution_created_at: DbTime | null;
  node_execution_updated_at: DbTime | null;
  /** Nanoseconds. */
  duration: number;
  /** Serialized `flyteidl.admin.NodeExecutionMetaData`. */
  node_execution_metadata: Uint8Array | null;
  /** `node_executions.id` of the parent node (sub-workflow, dynamic, branch), else null. */
  parent_id: number | null;
  /** `task_executions.id` of the task execution that launched this node, else null. */
  parent_task_execution_id: number | null;
  error_kind: string | null;
  error_code: string | null;
  /** `core.CatalogCacheStatus` name when the node reported a catalog key. */
  cache_status: string | null;
  /** Blob URI of the dynamic workflow closure, or "". */
  dynamic_workflow_remote_closure_reference: string;
  /**
   * The event version propeller reported (flyteadmin keeps it in an `internal_data` proto holding only
   * this field; a plain column says the same).
   */
  event_version: number;
}

/** `node_execution_events`: the phase timeline of node executions (audit; written best effort). */
export interface NodeExecutionEventsTable extends RowTimestamps {
  id: Generated<number>;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  node_id: string;
  phase: string;
  request_id: string;
  occurred_at: DbTime;
}

/** `task_executions`: one row per attempt of a task in a node execution. */
export interface TaskExecutionsTable extends RowTimestamps {
  id: Generated<number>;
  /** Task identifier (project, domain, name, version). */
  project: string;
  domain: string;
  name: string;
  version: string;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  node_id: string;
  retry_attempt: number;
  /** `core.TaskExecution.Phase` name. */
  phase: string;
  phase_version: number;
  input_uri: string;
  /** Serialized `flyteidl.admin.TaskExecutionClosure`. */
  closure: Uint8Array;
  started_at: DbTime | null;
  task_execution_created_at: DbTime | null;
  task_execution_updated_at: DbTime | null;
  /** Nanoseconds. */
  duration: number;
}

/** `named_entity_metadata`: description and state of a (resource type, project, domain, name). */
export interface NamedEntityMetadataTable extends RowTimestamps {
  id: Generated<number>;
  /** `core.ResourceType` number. */
  resource_type: number;
  project: string;
  domain: string;
  name: string;
  description: string;
  /** `admin.NamedEntityState`: ACTIVE=0, ARCHIVED=1, SYSTEM_GENERATED=2. */
  state: number;
}

/** `description_entities`: long descriptions of tasks and workflows, per version. */
export interface DescriptionEntitiesTable extends RowTimestamps {
  id: Generated<number>;
  resource_type: number;
  project: string;
  domain: string;
  name: string;
  version: string;
  short_description: string;
  /** Serialized `flyteidl.admin.Description`. */
  long_description: Uint8Array | null;
  /** Source code link. */
  link: string;
}

/** `resources`: matchable attributes, one row per (project, domain, workflow, launch plan, type). */
export interface ResourcesTable extends RowTimestamps {
  id: Generated<number>;
  /** "" matches any project. */
  project: string;
  domain: string;
  workflow: string;
  launch_plan: string;
  /** `admin.MatchableResource` enum **name**, e.g. `TASK_RESOURCE`. */
  resource_type: string;
  /** 5 project, 10 project-domain, 100 workflow, 1000 launch plan; the highest matching row wins. */
  priority: number;
  /** Serialized `flyteidl.admin.MatchingAttributes`. */
  attributes: Uint8Array;
}

/** `signals`: gate-node signals of an execution. */
export interface SignalsTable extends RowTimestamps {
  id: Generated<number>;
  execution_project: string;
  execution_domain: string;
  execution_name: string;
  signal_id: string;
  /** Serialized `flyteidl.core.LiteralType`. */
  type: Uint8Array;
  /** Serialized `flyteidl.core.Literal`, null until the signal is set. */
  value: Uint8Array | null;
}

/** `schedulable_entities`: launch plan versions with a schedule, read by the scheduler. */
export interface SchedulableEntitiesTable extends RowTimestamps {
  id: Generated<number>;
  project: string;
  domain: string;
  name: string;
  version: string;
  cron_expression: string;
  fixed_rate_value: number;
  /** `admin.FixedRateUnit`: MINUTE=0, HOUR=1, DAY=2. */
  unit: number;
  kickoff_time_input_arg: string;
  active: boolean;
}

/** `schedule_entities_snapshots`: the scheduler's periodic snapshot of last fire times. */
export interface ScheduleEntitiesSnapshotsTable extends RowTimestamps {
  id: Generated<number>;
  snapshot: Uint8Array;
}

/** Every admin table by name (admin's migrations create them). */
export interface AdminTables {
  projects: ProjectsTable;
  tasks: TasksTable;
  workflows: WorkflowsTable;
  launch_plans: LaunchPlansTable;
  executions: ExecutionsTable;
  execution_tags: ExecutionTagsTable;
  execution_events: ExecutionEventsTable;
  node_executions: NodeExecutionsTable;
  node_execution_events: NodeExecutionEventsTable;
  task_executions: TaskExecutionsTable;
  named_entity_metadata: NamedEntityMetadataTable;
  description_entities: DescriptionEntitiesTable;
  resources: ResourcesTable;
  signals: SignalsTable;
  schedulable_entities: SchedulableEntitiesTable;
  schedule_entities_snapshots: ScheduleEntitiesSnapshotsTable;
}

/**
 * The Kysely database type admin works with: its own tables plus the hand-off's `execution_queue`, which
 * it writes in the same transactions (created by `@aloft/db`'s hand-off migrations).
 */
export interface Database extends AdminTables, HandoffTables {}

/** Every admin table name, in an order that is safe for creating and truncating. */
export const TABLE_NAMES = [
  "projects",
  "tasks",
  "workflows",
  "launch_plans",
  "executions",
  "execution_tags",
  "execution_events",
  "node_executions",
  "node_execution_events",
  "task_executions",
  "named_entity_metadata",
  "description_entities",
  "resources",
  "signals",
  "schedulable_entities",
  "schedule_entities_snapshots",
] as const satisfies readonly (keyof AdminTables)[];

export type ProjectRow = Selectable<ProjectsTable>;
export type NewProjectRow = Insertable<ProjectsTable>;
export type ProjectRowUpdate = Updateable<ProjectsTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTaskRow = Insertable<TasksTable>;
export type WorkflowRow = Selectable<WorkflowsTable>;
export type NewWorkflowRow = Insertable<WorkflowsTable>;
export type LaunchPlanRow = Selectable<LaunchPlansTable>;
export type NewLaunchPlanRow = Insertable<LaunchPlansTable>;
export type LaunchPlanRowUpdate = Updateable<LaunchPlansTable>;
export type ExecutionRow = Selectable<ExecutionsTable>;
export type NewExecutionRow = Insertable<ExecutionsTable>;
export type ExecutionRowUpdate = Updateable<ExecutionsTable>;
export type ExecutionTagRow = Selectable<ExecutionTagsTable>;
export type NewExecutionTagRow = Insertable<ExecutionTagsTable>;
export type ExecutionEventRow = Selectable<ExecutionEventsTable>;
export type NewExecutionEventRow = Insertable<ExecutionEventsTable>;
export type NodeExecutionRow = Selectable<NodeExecutionsTable>;
export type NewNodeExecutionRow = Insertable<NodeExecutionsTable>;
export type NodeExecutionRowUpdate = Updateable<NodeExecutionsTable>;
export type NodeExecutionEventRow = Selectable<NodeExecutionEventsTable>;
export type NewNodeExecutionEventRow = Insertable<NodeExecutionEventsTable>;
export type TaskExecutionRow = Selectable<TaskExecutionsTable>;
export type NewTaskExecutionRow = Insertable<TaskExecutionsTable>;
export type TaskExecutionRowUpdate = Updateable<TaskExecutionsTable>;
export type NamedEntityMetadataRow = Selectable<NamedEntityMetadataTable>;
export type DescriptionEntityRow = Selectable<DescriptionEntitiesTable>;
export type NewDescriptionEntityRow = Insertable<DescriptionEntitiesTable>;
export type ResourceRow = Selectable<ResourcesTable>;
export type NewResourceRow = Insertable<ResourcesTable>;
export type SignalRow = Selectable<SignalsTable>;
export type NewSignalRow = Insertable<SignalsTable>;
export type SchedulableEntityRow = Selectable<SchedulableEntitiesTable>;
export type NewSchedulableEntityRow = Insertable<SchedulableEntitiesTable>;
export type ScheduleEntitiesSnapshotRow = Selectable<ScheduleEntitiesSnapshotsTable>;
