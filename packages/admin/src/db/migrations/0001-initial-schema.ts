import { type Kysely, sql } from "kysely";
import { createIndex, createNaturalKey, createTable, type MigrationFactory } from "@aloft/db";

/**
 * The initial admin schema: flyteadmin's tables and column names (admin.md §3). Indexes cover every
 * filter and sort that flyteconsole and flytectl send. (Aloft's `execution_queue` is `@aloft/db`'s.)
 *
 * Migrations are append-only: never edit this file once released; add `0002-…`.
 */
export const initialSchema: MigrationFactory = (capabilities) => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const t = capabilities.sqlTypes;
    const entityVersionKey = ["project", "domain", "name", "version"];
    const executionKey = ["execution_project", "execution_domain", "execution_name"];

    await createTable(db, t, "projects", {
      id: "id",
      identifier: "text",
      name: "text",
      description: "text",
      labels: "bytes?",
      state: "int",
    });
    await createNaturalKey(db, "projects", ["identifier"]);
    await createIndex(db, "projects_state_idx", "projects", ["state"]);

    await createTable(db, t, "tasks", {
      id: "id",
      project: "text",
      domain: "text",
      name: "text",
      version: "text",
      closure: "bytes",
      digest: "bytes?",
      type: "text",
      short_description: "text",
    });
    await createNaturalKey(db, "tasks", entityVersionKey);
    await createIndex(db, "tasks_project_domain_name_created_at_idx", "tasks", [
      "project",
      "domain",
      "name",
      "created_at",
    ]);
    await createIndex(db, "tasks_project_domain_created_at_idx", "tasks", ["project", "domain", "created_at"]);

    await createTable(db, t, "workflows", {
      id: "id",
      project: "text",
      domain: "text",
      name: "text",
      version: "text",
      typed_interface: "bytes?",
      remote_closure_identifier: "text",
      digest: "bytes?",
      short_description: "text",
    });
    await createNaturalKey(db, "workflows", entityVersionKey);
    await createIndex(db, "workflows_project_domain_name_created_at_idx", "workflows", [
      "project",
      "domain",
      "name",
      "created_at",
    ]);
    await createIndex(db, "workflows_project_domain_created_at_idx", "workflows", ["project", "domain", "created_at"]);

    await createTable(db, t, "launch_plans", {
      id: "id",
      project: "text",
      domain: "text",
      name: "text",
      version: "text",
      spec: "bytes",
      workflow_id: "bigint",
      closure: "bytes",
      state: "int",
      digest: "bytes?",
      schedule_type: "text",
      launch_condition_type: "text?",
    });
    await createNaturalKey(db, "launch_plans", entityVersionKey);
    await createIndex(db, "launch_plans_project_domain_name_state_idx", "launch_plans", [
      "project",
      "domain",
      "name",
      "state",
    ]);
    await createIndex(db, "launch_plans_project_domain_state_idx", "launch_plans", ["project", "domain", "state"]);
    await createIndex(db, "launch_plans_project_domain_created_at_idx", "launch_plans", [
      "project",
      "domain",
      "created_at",
    ]);
    await createIndex(db, "launch_plans_workflow_id_idx", "launch_plans", ["workflow_id"]);
    // The scheduler reads only launch plans that have a schedule.
    await db.schema
      .createIndex("launch_plans_launch_conditions_idx")
      .on("launch_plans")
      .column("launch_condition_type")
      .where(sql.ref("launch_condition_type"), "is not", null)
      .execute();

    await createTable(db, t, "executions", {
      id: "id",
      execution_project: "text",
      execution_domain: "text",
      execution_name: "text",
      launch_plan_id: "bigint",
      workflow_id: "bigint",
      task_id: "bigint",
      phase: "text",
      closure: "bytes",
      spec: "bytes",
      started_at: "time?",
      execution_created_at: "time?",
      execution_updated_at: "time?",
      duration: "bigint",
      abort_cause: "text",
      mode: "int",
      source_execution_id: "bigint",
      parent_node_execution_id: "bigint",
      cluster: "text",
      inputs_uri: "text",
      user_inputs_uri: "text",
      error_kind: "text?",
      error_code: "text?",
      user: "text",
      state: "int",
      launch_entity: "text",
    });
    await createNaturalKey(db, "executions", executionKey);
    // Console and flytectl list "recent executions" of a project/domain by created_at or
    // execution_created_at, often filtered by phase (flyte#2319, flyte#6428).
    await createIndex(db, "executions_project_domain_created_at_idx", "executions", [
      "execution_project",
      "execution_domain",
      "created_at",
    ]);
    await createIndex(db, "executions_project_domain_execution_created_at_idx", "executions", [
      "execution_project",
      "execution_domain",
      "execution_created_at",
    ]);
    await createIndex(db, "executions_project_domain_phase_idx", "executions", [
      "execution_project",
      "execution_domain",
      "phase",
    ]);
    await createIndex(db, "executions_launch_plan_id_idx", "executions", ["launch_plan_id"]);
    await createIndex(db, "executions_workflow_id_idx", "executions", ["workflow_id"]);
    await createIndex(db, "executions_task_id_idx", "executions", ["task_id"]);
    await createIndex(db, "executions_parent_node_execution_id_idx", "executions", ["parent_node_execution_id"]);
    await createIndex(db, "executions_name_idx", "executions", ["execution_name"]);

    await createTable(db, t, "execution_tags", {
      id: "id",
      execution_project: "text",
      execution_domain: "text",
      execution_name: "text",
      key: "text",
      value: "text",
    });
    await createNaturalKey(db, "execution_tags", [...executionKey, "key", "value"]);
    // flyteadmin joins tags on execution_name alone, then filters by key or value.
    await createIndex(db, "execution_tags_name_idx", "execution_tags", ["execution_name"]);
    await createIndex(db, "execution_tags_key_value_idx", "execution_tags", ["key", "value"]);
    await createIndex(db, "execution_tags_value_idx", "execution_tags", ["value"]);

    await createTable(db, t, "execution_events", {
      id: "id",
      execution_project: "text",
      execution_domain: "text",
      execution_name: "text",
      phase: "text",
      request_id: "text",
      occurred_at: "time",
    });
    await createNaturalKey(db, "execution_events", [...executionKey, "phase"]);

    await createTable(db, t, "node_executions", {
      id: "id",
      execution_project: "text",
      execution_domain: "text",
      execution_name: "text",
      node_id: "text",
      phase: "text",
      input_uri: "text",
      closure: "bytes",
      started_at: "time?",
      node_execution_created_at: "time?",
      node_execution_updated_at: "time?",
      duration: "bigint",
      node_execution_metadata: "bytes?",
      parent_id: "bigint?",
      parent_task_execution_id: "bigint?",
      error_kind: "text?",
      error_code: "text?",
      cache_status: "text?",
      dynamic_workflow_remote_closure_reference: "text",
      event_version: "int",
    });
    await createNaturalKey(db, "node_executions", [...executionKey, "node_id"]);
    // Top-level nodes of an execution (parent_id IS NULL) and children of a node.
    await createIndex(db, "node_executions_execution_parent_idx", "node_executions", [...executionKey, "parent_id"]);
    await createIndex(db, "node_executions_parent_id_idx", "node_executions", ["parent_id"]);
    await createIndex(db, "node_executions_parent_task_execution_id_idx", "node_executions", [
      "parent_task_execution_id",
    ]);
    await createIndex(db, "node_executions_node_id_idx", "node_executions", ["node_id"]);

    await createTable(db, t, "node_execution_events", {
      id: "id",
      execution_project: "text",
      execution_domain: "text",
      execution_name: "text",
      node_id: "text",
      phase: "text",
      request_id: "text",
      occurred_at: "time",
    });
    await createNaturalKey(db, "node_execution_events", [...executionKey, "node_id", "phase"]);

    await createTable(db, t, "task_executions", {
      id: "id",
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
      started_at: "time?",
      task_execution_created_at: "time?",
      task_execution_updated_at: "time?",
      duration: "bigint",
    });
    await createNaturalKey(db, "task_executions", [...entityVersionKey, ...executionKey, "node_id", "retry_attempt"]);
    // flyteadmin's idx_task_executions_exec: the task executions of one node execution.
    await createIndex(db, "task_executions_node_execution_idx", "task_executions", [
      ...executionKey,
      "node_id",
      "retry_attempt",
    ]);

    await createTable(db, t, "named_entity_metadata", {
      id: "id",
      resource_type: "int",
      project: "text",
      domain: "text",
      name: "text",
      description: "text",
      state: "int",
    });
    await createNaturalKey(db, "named_entity_metadata", ["resource_type", "project", "domain", "name"]);

    await createTable(db, t, "description_entities", {
      id: "id",
      resource_type: "int",
      project: "text",
      domain: "text",
      name: "text",
      version: "text",
      short_description: "text",
      long_description: "bytes?",
      link: "text",
    });
    await createNaturalKey(db, "description_entities", ["resource_type", ...entityVersionKey]);

    await createTable(db, t, "resources", {
      id: "id",
      project: "text",
      domain: "text",
      workflow: "text",
      launch_plan: "text",
      resource_type: "text",
      priority: "int",
      attributes: "bytes",
    });
    await createNaturalKey(db, "resources", ["project", "domain", "workflow", "launch_plan", "resource_type"]);
    await createIndex(db, "resources_type_priority_idx", "resources", ["resource_type", "priority"]);

    await createTable(db, t, "signals", {
      id: "id",
      execution_project: "text",
      execution_domain: "text",
      execution_name: "text",
      signal_id: "text",
      type: "bytes",
      value: "bytes?",
    });
    await createNaturalKey(db, "signals", [...executionKey, "signal_id"]);

    await createTable(db, t, "schedulable_entities", {
      id: "id",
      project: "text",
      domain: "text",
      name: "text",
      version: "text",
      cron_expression: "text",
      fixed_rate_value: "int",
      unit: "int",
      kickoff_time_input_arg: "text",
      active: "bool",
    });
    await createNaturalKey(db, "schedulable_entities", entityVersionKey);

    await createTable(db, t, "schedule_entities_snapshots", { id: "id", snapshot: "bytes" });
  },
});
