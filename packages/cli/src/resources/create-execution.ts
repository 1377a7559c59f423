import { create } from "@bufbuild/protobuf";
import { toAdminJson } from "@aloft/idl";
import {
  type ExecutionCreateRequest,
  ExecutionCreateRequestSchema,
  ExecutionMetadata_ExecutionMode,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import {
  type Identifier,
  IdentifierSchema,
  ResourceType,
  type WorkflowExecutionIdentifier,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { printLines } from "../output.js";
import { type AdminSession, callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { type ExecutionSpec, readExecutionSpec } from "./execution-spec.js";
import { inputLiterals } from "./input-literals.js";
import { printData } from "./print-messages.js";

/** The flags of `create execution` (flytectl/cmd/create/executionconfig_flags.go). */
export interface CreateExecutionFlags extends SessionFlags {
  execFile?: string;
  targetProject?: string;
  targetDomain?: string;
  targetExecutionCluster?: string;
  kubeServiceAcct?: string;
  iamRoleARN?: string;
  relaunch?: string;
  recover?: string;
  version?: string;
  clusterPool?: string;
  overwriteCache?: boolean;
  dryRun?: boolean;
}

/**
 * `aloft create execution [name]`: launches a task or launch plan from an execution spec (`--execFile`), or
 * relaunches (`--relaunch`) or recovers (`--recover`) an execution of the project and domain
 * (flytectl/cmd/create/execution.go). Inputs are converted with the types the task or launch plan declares.
 * Flags win over the file; the target project and domain default to -p and -d. `--dryRun` sends nothing.
 *
 * @throws CliError for missing or contradictory flags, a bad spec or input, or when admin refuses.
 */
export async function createExecution(
  name: string | undefined,
  flags: CreateExecutionFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("create execution");
    const domain = session.domain("create execution");
    const sources = [flags.execFile, flags.relaunch, flags.recover].filter((s) => s !== undefined);
    if (sources.length !== 1) {
      throw CliError.usage(
        sources.length === 0
          ? "create execution needs --execFile <spec.yaml>, --relaunch <execution> or --recover <execution>"
          : "pass only one of --execFile, --relaunch and --recover",
        { hint: "aloft get task|launchplan <name> --execFile spec.yaml writes a spec to edit" },
      );
    }
    if (flags.relaunch !== undefined || flags.recover !== undefined) {
      await rerun(session, { project, domain, name: (flags.relaunch ?? flags.recover) as string }, name ?? "", flags);
      return;
    }
    const spec = withFlags(await readExecutionSpec(flags.execFile as string, context.cwd), flags, project, domain);
    const request = await executionRequest(session, spec, project, domain, name ?? "", flags.execFile as string);
    if (flags.dryRun === true) {
      if (session.format === "table") printLines(context.output, ["skipping CreateExecution request (dryRun)"]);
      else {
        printData(context.output, session.format, {
          dryRun: true,
          request: toAdminJson(ExecutionCreateRequestSchema, request),
        });
      }
      return;
    }
    const admin = await session.admin();
    const created = await callAdmin(`create an execution of ${spec.task || spec.workflow}`, () =>
      admin.createExecution(request),
    );
    printIdentifier(session, created.id);
  });
}

/** flytectl's resolveOverrides, except that every flag given wins over the file (flytectl drops some). */
function withFlags(spec: ExecutionSpec, flags: CreateExecutionFlags, project: string, domain: string): ExecutionSpec {
  const pick = (flag: string | undefined, file: string) => (flag !== undefined && flag !== "" ? flag : file);
  const resolved: ExecutionSpec = {
    ...spec,
    version: pick(flags.version, spec.version),
    kubeServiceAcct: pick(flags.kubeServiceAcct, spec.kubeServiceAcct),
    iamRoleARN: pick(flags.iamRoleARN, spec.iamRoleARN),
    targetProject: pick(flags.targetProject, spec.targetProject) || project,
    targetDomain: pick(flags.targetDomain, spec.targetDomain) || domain,
    targetExecutionCluster: pick(flags.targetExecutionCluster, spec.targetExecutionCluster),
    clusterPool: pick(flags.clusterPool, spec.clusterPool),
    overwriteCache: flags.overwriteCache === true || spec.overwriteCache,
  };
  if ((resolved.task === "") === (resolved.workflow === "")) {
    throw CliError.usage("the execution spec must name either a task or a workflow (launch plan), not both");
  }
  if (resolved.version === "") {
    throw CliError.usage("the execution spec names no version", {
      hint: "write version: in the file, or pass --version",
    });
  }
  return resolved;
}

/** flytectl's createExecutionRequestForTask / ForWorkflow: the entity, its input types and the request. */
async function executionRequest(
  session: AdminSession,
  spec: ExecutionSpec,
  project: string,
  domain: string,
  name: string,
  file: string,
): Promise<ExecutionCreateRequest> {
  const admin = await session.admin();
  let launchPlan: Identifier;
  const types: Record<string, LiteralType> = {};
  if (spec.task !== "") {
    const id = { resourceType: ResourceType.TASK, project, domain, name: spec.task, version: spec.version };
    const task = await callAdmin(`get task ${spec.task} version ${spec.version}`, () => admin.getTask({ id }));
    launchPlan = create(IdentifierSchema, id);
    for (const [input, variable] of Object.entries(
      task.closure?.compiledTask?.template?.interface?.inputs?.variables ?? {},
    )) {
      if (variable.type !== undefined) types[input] = variable.type;
    }
  } else {
    const id = { resourceType: ResourceType.LAUNCH_PLAN, project, domain, name: spec.workflow, version: spec.version };
    const lp = await callAdmin(`get launch plan ${spec.workflow} version ${spec.version}`, () =>
      admin.getLaunchPlan({ id }),
    );
    launchPlan = lp.id ?? create(IdentifierSchema, id);
    for (const [input, parameter] of Object.entries(lp.spec?.defaultInputs?.parameters ?? {})) {
      if (parameter.var?.type !== undefined) types[input] = parameter.var.type;
    }
  }
  const inputs = inputLiterals(spec.inputs, types, file);
  const runAs =
    spec.kubeServiceAcct !== "" || spec.iamRoleARN !== ""
      ? { k8sServiceAccount: spec.kubeServiceAcct, iamRole: spec.iamRoleARN }
      : undefined;
  return create(ExecutionCreateRequestSchema, {
    project: spec.targetProject,
    domain: spec.targetDomain,
    name,
    spec: {
      launchPlan,
      metadata: { mode: ExecutionMetadata_ExecutionMode.MANUAL, principal: "sdk", nesting: 0 },
      ...(runAs === undefined
        ? {}
        : {
            authRole: { kubernetesServiceAccount: runAs.k8sServiceAccount, assumableIamRole: runAs.iamRole },
            securityContext: { runAs },
          }),
      ...(spec.clusterPool === "" ? {} : { clusterAssignment: { clusterPoolName: spec.clusterPool } }),
      ...(spec.targetExecutionCluster === "" ? {} : { executionClusterLabel: { value: spec.targetExecutionCluster } }),
      overwriteCache: spec.overwriteCache,
      envs: { values: Object.entries(spec.envs).map(([key, value]) => ({ key, value })) },
    },
    inputs,
  });
}

/** flytectl's relaunchExecution / recoverExecution. */
async function rerun(
  session: AdminSession,
  source: { project: string; domain: string; name: string },
  name: string,
  flags: CreateExecutionFlags,
): Promise<void> {
  const relaunch = flags.relaunch !== undefined;
  const request = relaunch ? "RelaunchExecution" : "RecoverExecution";
  if (flags.dryRun === true) {
    if (session.format === "table") printLines(session.context.output, [`skipping ${request} request (dryRun)`]);
    else
      printData(session.context.output, session.format, { dryRun: true, [relaunch ? "relaunch" : "recover"]: source });
    return;
  }
  const admin = await session.admin();
  const id = create(WorkflowExecutionIdentifierSchema, source);
  const created = relaunch
    ? await callAdmin(`relaunch execution ${source.name}`, () =>
        admin.relaunchExecution({ id, name, overwriteCache: flags.overwriteCache === true }),
      )
    : await callAdmin(`recover execution ${source.name}`, () => admin.recoverExecution({ id, name }));
  printIdentifier(session, created.id);
}

/** flytectl prints the new execution's identifier as Go prints the message: `execution identifier project:"…" …`. */
function printIdentifier(session: AdminSession, id: WorkflowExecutionIdentifier | undefined): void {
  const executionId = id ?? create(WorkflowExecutionIdentifierSchema);
  if (session.format === "table") {
    printLines(session.context.output, [
      `execution identifier project:${JSON.stringify(executionId.project)} domain:${JSON.stringify(executionId.domain)} name:${JSON.stringify(executionId.name)}`,
    ]);
  } else {
    printData(session.context.output, session.format, toAdminJson(WorkflowExecutionIdentifierSchema, executionId));
  }
}
