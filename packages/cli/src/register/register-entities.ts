/**
 * flytectl's `registerFile` loop (`flytectl/cmd/register/register_util.go`): each file in order is hydrated,
 * checked (a scheduled launch plan needs values for its workflow's inputs), and created; `AlreadyExists` counts
 * as registered; the first failure stops the rest unless `continueOnError`.
 */
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { LaunchPlanState } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { AdminUnreachableError } from "../client/connection-errors.js";
import type { PackageEntity } from "../package/package-entity.js";
import { hydrateEntity, type HydrationSettings } from "./hydrate-entity.js";
import {
  inputsOfRegisteredWorkflow,
  inputsOfWorkflowSpec,
  isScheduled,
  scheduledLaunchPlanProblem,
} from "./scheduled-launch-plan.js";

/** One file to register: its decoded entity, or why it could not be decoded. */
export type RegisterItem = { file: string; entity: PackageEntity } | { file: string; decodeError: string };

/** The outcome for one file, as flytectl's results table shows it. */
export interface RegisterResult {
  file: string;
  status: "Success" | "Failed";
  info: string;
}

/** Options of {@link registerEntities}. */
export interface RegisterEntitiesOptions {
  items: readonly RegisterItem[];
  hydration: HydrationSettings;
  /** Admin; undefined for `--dryRun`, which sends nothing. */
  admin: Client<typeof AdminService> | undefined;
  continueOnError: boolean;
  /** `--enableSchedule`: activate each launch plan once registered. */
  enableSchedule: boolean;
}

/** What {@link registerEntities} did. */
export interface RegisterOutcome {
  results: RegisterResult[];
  /** Files not attempted because an earlier one failed. */
  skipped: number;
}

const REGISTERED = "Successfully registered file";
const DRY_RUN = "Dry run: not sent to admin";

/**
 * Registers `items` in order. Never throws for one file's failure (it becomes a `Failed` result); rethrows only
 * an {@link AdminUnreachableError}, since no later call could succeed either.
 */
export async function registerEntities(options: RegisterEntitiesOptions): Promise<RegisterOutcome> {
  const results: RegisterResult[] = [];
  // Workflows of this run by id, so a launch plan is checked against its package's workflow without a call.
  const localWorkflowInputs = new Map<string, string[]>();
  let index = 0;
  for (; index < options.items.length; index++) {
    if (!options.continueOnError && results.at(-1)?.status === "Failed") break;
    const item = options.items[index] as RegisterItem;
    if ("decodeError" in item) {
      results.push({ file: item.file, status: "Failed", info: `Error unmarshalling file due to ${item.decodeError}` });
      continue;
    }
    const entity = hydrateEntity(item.entity, options.hydration);
    if (entity.kind === "workflow") localWorkflowInputs.set(idKey(entity.id), inputsOfWorkflowSpec(entity.spec));
    try {
      const problem = await validate(entity, localWorkflowInputs, options.admin);
      if (problem !== undefined) {
        results.push({ file: item.file, status: "Failed", info: `Error validating spec due to ${problem}` });
        continue;
      }
      if (options.admin === undefined) {
        results.push({ file: item.file, status: "Success", info: DRY_RUN });
        continue;
      }
      const info = await create(entity, options.hydration, options.admin);
      if (options.enableSchedule && entity.kind === "launchPlan") {
        await options.admin.updateLaunchPlan({
          id: { ...requestId(entity, options.hydration), resourceType: ResourceType.LAUNCH_PLAN },
          state: LaunchPlanState.ACTIVE,
        });
      }
      results.push({ file: item.file, status: "Success", info });
    } catch (error) {
      if (error instanceof AdminUnreachableError) throw error;
      results.push({ file: item.file, status: "Failed", info: `Error registering file due to ${describe(error)}` });
    }
  }
  return { results, skipped: options.items.length - index };
}

/** Sends the create call; resolves to the result's info (`AlreadyExists` is a success, as in flytectl). */
async function create(
  entity: PackageEntity,
  hydration: HydrationSettings,
  admin: Client<typeof AdminService>,
): Promise<string> {
  const id = requestId(entity, hydration);
  try {
    switch (entity.kind) {
      case "task":
        await admin.createTask({ id: { ...id, resourceType: ResourceType.TASK }, spec: entity.spec });
        break;
      case "workflow":
        await admin.createWorkflow({ id: { ...id, resourceType: ResourceType.WORKFLOW }, spec: entity.spec });
        break;
      case "launchPlan":
        await admin.createLaunchPlan({
          id: { ...id, resourceType: ResourceType.LAUNCH_PLAN },
          ...(entity.launchPlan.spec === undefined ? {} : { spec: entity.launchPlan.spec }),
        });
        break;
    }
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.AlreadyExists) return "AlreadyExists";
    throw error;
  }
  return REGISTERED;
}

/** flytectl sends every entity under the registration project and domain, with the hydrated name and version. */
function requestId(entity: PackageEntity, hydration: HydrationSettings) {
  return { project: hydration.project, domain: hydration.domain, name: entity.id.name, version: entity.id.version };
}

async function validate(
  entity: PackageEntity,
  localWorkflowInputs: ReadonlyMap<string, string[]>,
  admin: Client<typeof AdminService> | undefined,
): Promise<string | undefined> {
  if (entity.kind !== "launchPlan") return undefined;
  const spec = entity.launchPlan.spec;
  if (spec === undefined || !isScheduled(spec) || spec.workflowId === undefined) return undefined;
  let inputs = localWorkflowInputs.get(idKey(spec.workflowId));
  if (inputs === undefined) {
    // A dry run makes no calls: a workflow registered earlier cannot be looked at.
    if (admin === undefined) return undefined;
    const workflow = await admin.getWorkflow({ id: { ...spec.workflowId, resourceType: ResourceType.WORKFLOW } });
    inputs = inputsOfRegisteredWorkflow(workflow);
  }
  return scheduledLaunchPlanProblem(spec, inputs);
}

function idKey(id: Identifier): string {
  return JSON.stringify([id.project, id.domain, id.name, id.version]);
}

function describe(error: unknown): string {
  if (error instanceof ConnectError) return `${Code[error.code]}: ${error.rawMessage}`;
  return error instanceof Error ? error.message : String(error);
}
