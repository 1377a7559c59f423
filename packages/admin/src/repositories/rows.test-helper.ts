import type {
  NewExecutionRow,
  NewLaunchPlanRow,
  NewNodeExecutionRow,
  NewTaskExecutionRow,
  NewTaskRow,
  NewWorkflowRow,
} from "../db/schema.js";

/** Minimal valid rows for repository tests; pass the columns a test cares about. */

const EMPTY = new Uint8Array();

export function taskRow(overrides: Partial<NewTaskRow> = {}): NewTaskRow {
  return {
    project: "admintests",
    domain: "development",
    name: "name_a",
    version: "123",
    closure: new Uint8Array([1]),
    digest: new Uint8Array([2]),
    type: "python-task",
    short_description: "",
    ...overrides,
  };
}

export function workflowRow(overrides: Partial<NewWorkflowRow> = {}): NewWorkflowRow {
  return {
    project: "admintests",
    domain: "development",
    name: "name_a",
    version: "123",
    typed_interface: null,
    remote_closure_identifier: "s3://bucket/metadata/admin/wf",
    digest: new Uint8Array([3]),
    short_description: "",
    ...overrides,
  };
}

export function launchPlanRow(overrides: Partial<NewLaunchPlanRow> = {}): NewLaunchPlanRow {
  return {
    project: "admintests",
    domain: "development",
    name: "name_a",
    version: "123",
    spec: EMPTY,
    closure: EMPTY,
    workflow_id: 1,
    state: 0,
    digest: null,
    schedule_type: "NONE",
    launch_condition_type: null,
    ...overrides,
  };
}

export function executionRow(overrides: Partial<NewExecutionRow> = {}): NewExecutionRow {
  return {
    execution_project: "project1",
    execution_domain: "domain1",
    execution_name: "name1",
    launch_plan_id: 0,
    workflow_id: 0,
    task_id: 0,
    phase: "UNDEFINED",
    closure: EMPTY,
    spec: EMPTY,
    started_at: null,
    execution_created_at: "2024-05-01T12:00:00.000000Z",
    execution_updated_at: "2024-05-01T12:00:00.000000Z",
    duration: 0,
    abort_cause: "",
    mode: 0,
    source_execution_id: 0,
    parent_node_execution_id: 0,
    cluster: "",
    inputs_uri: "",
    user_inputs_uri: "",
    error_kind: null,
    error_code: null,
    user: "",
    state: 0,
    launch_entity: "launch_plan",
    ...overrides,
  };
}

export function nodeExecutionRow(overrides: Partial<NewNodeExecutionRow> = {}): NewNodeExecutionRow {
  return {
    execution_project: "project1",
    execution_domain: "domain1",
    execution_name: "name1",
    node_id: "n0",
    phase: "RUNNING",
    input_uri: "",
    closure: EMPTY,
    started_at: null,
    node_execution_created_at: null,
    node_execution_updated_at: null,
    duration: 0,
    node_execution_metadata: null,
    parent_id: null,
    parent_task_execution_id: null,
    error_kind: null,
    error_code: null,
    cache_status: null,
    dynamic_workflow_remote_closure_reference: "",
    event_version: 0,
    ...overrides,
  };
}

export function taskExecutionRow(overrides: Partial<NewTaskExecutionRow> = {}): NewTaskExecutionRow {
  return {
    project: "project1",
    domain: "domain1",
    name: "task1",
    version: "v1",
    execution_project: "project1",
    execution_domain: "domain1",
    execution_name: "name1",
    node_id: "n0",
    retry_attempt: 0,
    phase: "RUNNING",
    phase_version: 0,
    input_uri: "",
    closure: EMPTY,
    started_at: null,
    task_execution_created_at: null,
    task_execution_updated_at: null,
    duration: 0,
    ...overrides,
  };
}

/** A row as written (`Insertable`, unset nullable columns optional) as the database returns it (nulls). */
export function asStored<T extends object, Extra extends object>(
  row: T,
  extra: Extra,
): { [K in keyof T]-?: Exclude<T[K], undefined> } & Extra {
  const stored: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const [key, value] of Object.entries(stored)) if (value === undefined) stored[key] = null;
  return { ...stored, ...extra } as { [K in keyof T]-?: Exclude<T[K], undefined> } & Extra;
}
