/**
 * Loads the exact task and launch plan versions a workflow references, one query per kind (never one per
 * reference): the query selects every row whose project, domain, name and version are each among the wanted
 * values, and the exact identifiers are picked from that small superset.
 */
import { AloftError } from "@aloft/idl";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LaunchPlanRow, TaskRow } from "../db/schema.js";
import type { Entity } from "../repositories/filters/filter-entities.js";
import { type FilterExpression, fieldFilter } from "../repositories/filters/filter-expression.js";
import type { LaunchPlanRepo } from "../repositories/launch-plan-repo.js";
import { entityKeyText } from "../repositories/keys.js";
import type { TaskRepo } from "../repositories/task-repo.js";

type Keyed = { project: string; domain: string; name: string; version: string };

function keyOf(value: Keyed): string {
  return JSON.stringify([value.project, value.domain, value.name, value.version]);
}

function supersetFilters(entity: Entity, ids: readonly Identifier[]): FilterExpression[] {
  const distinct = (pick: (id: Identifier) => string) => [...new Set(ids.map(pick))];
  return [
    fieldFilter({ entity, fn: "value_in", field: "project", value: distinct((id) => id.project) }),
    fieldFilter({ entity, fn: "value_in", field: "domain", value: distinct((id) => id.domain) }),
    fieldFilter({ entity, fn: "value_in", field: "name", value: distinct((id) => id.name) }),
    fieldFilter({ entity, fn: "value_in", field: "version", value: distinct((id) => id.version) }),
  ];
}

async function loadExact<Row extends Keyed>(
  ids: readonly Identifier[],
  list: (filters: FilterExpression[]) => Promise<Row[]>,
  entity: Entity,
  typeName: string,
): Promise<Row[]> {
  if (ids.length === 0) return [];
  const rows = await list(supersetFilters(entity, ids));
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return ids.map((id) => {
    const row = byKey.get(keyOf(id));
    if (row === undefined) {
      throw AloftError.notFound(`missing entity of type ${typeName} with identifier ${entityKeyText(id)}`);
    }
    return row;
  });
}

/**
 * The task rows with exactly these identifiers, in the same order.
 * @throws AloftError NotFound "missing entity of type TASK with identifier …" for the first one missing.
 */
export function loadTasksExactly(tasks: Pick<TaskRepo, "list">, ids: readonly Identifier[]): Promise<TaskRow[]> {
  return loadExact(ids, (filters) => tasks.list({ filters, limit: Number.MAX_SAFE_INTEGER }), "t", "TASK");
}

/**
 * The launch plan rows with exactly these identifiers, in the same order.
 * @throws AloftError NotFound "missing entity of type LAUNCH_PLAN with identifier …" for the first one missing.
 */
export function loadLaunchPlansExactly(
  launchPlans: Pick<LaunchPlanRepo, "list">,
  ids: readonly Identifier[],
): Promise<LaunchPlanRow[]> {
  return loadExact(ids, (filters) => launchPlans.list({ filters, limit: Number.MAX_SAFE_INTEGER }), "l", "LAUNCH_PLAN");
}
