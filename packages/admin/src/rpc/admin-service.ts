/**
 * `flyteidl.service.AdminService` as thin handlers: each RPC applies flyteadmin's RPC-layer defaults (only the
 * implicit `resource_type` of Get-style calls, which REST routes cannot carry) and calls its manager. Errors,
 * logs and metrics are the interceptor's job, so nothing else happens here. The RPCs of an absent manager are
 * left out, which connect (and the REST gateway) answer with UNIMPLEMENTED.
 */
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminManagers } from "../managers/interfaces.js";
import { managerContext as ctx } from "./manager-context.js";

/** The AdminService implementation over whichever managers exist. */
export function createAdminServiceImpl(managers: Partial<AdminManagers>): Partial<ServiceImpl<typeof AdminService>> {
  const {
    projects,
    tasks,
    workflows,
    launchPlans,
    executions,
    nodeExecutions,
    taskExecutions,
    attributes,
    namedEntities,
    descriptionEntities,
    metrics,
    version,
  } = managers;
  return {
    ...(tasks && {
      createTask: (req, c) => tasks.createTask(req, ctx(c)),
      getTask: (req, c) => {
        defaultResourceType(req.id, ResourceType.TASK);
        return tasks.getTask(req, ctx(c));
      },
      listTaskIds: (req, c) => tasks.listTaskIds(req, ctx(c)),
      listTasks: (req, c) => tasks.listTasks(req, ctx(c)),
    }),
    ...(workflows && {
      createWorkflow: (req, c) => workflows.createWorkflow(req, ctx(c)),
      getWorkflow: (req, c) => {
        defaultResourceType(req.id, ResourceType.WORKFLOW);
        return workflows.getWorkflow(req, ctx(c));
      },
      listWorkflowIds: (req, c) => workflows.listWorkflowIds(req, ctx(c)),
      listWorkflows: (req, c) => workflows.listWorkflows(req, ctx(c)),
    }),
    ...(launchPlans && {
      createLaunchPlan: (req, c) => launchPlans.createLaunchPlan(req, ctx(c)),
      getLaunchPlan: (req, c) => {
        defaultResourceType(req.id, ResourceType.LAUNCH_PLAN);
        return launchPlans.getLaunchPlan(req, ctx(c));
      },
      getActiveLaunchPlan: (req, c) => launchPlans.getActiveLaunchPlan(req, ctx(c)),
      listActiveLaunchPlans: (req, c) => launchPlans.listActiveLaunchPlans(req, ctx(c)),
      listLaunchPlanIds: (req, c) => launchPlans.listLaunchPlanIds(req, ctx(c)),
      listLaunchPlans: (req, c) => launchPlans.listLaunchPlans(req, ctx(c)),
      updateLaunchPlan: (req, c) => {
        defaultResourceType(req.id, ResourceType.LAUNCH_PLAN);
        return launchPlans.updateLaunchPlan(req, ctx(c));
      },
    }),
    ...(executions && {
      createExecution: (req, c) => executions.createExecution(req, ctx(c)),
      relaunchExecution: (req, c) => executions.relaunchExecution(req, ctx(c)),
      recoverExecution: (req, c) => executions.recoverExecution(req, ctx(c)),
      getExecution: (req, c) => executions.getExecution(req, ctx(c)),
      updateExecution: (req, c) => executions.updateExecution(req, ctx(c)),
      getExecutionData: (req, c) => executions.getExecutionData(req, ctx(c)),
      listExecutions: (req, c) => executions.listExecutions(req, ctx(c)),
      terminateExecution: (req, c) => executions.terminateExecution(req, ctx(c)),
      createWorkflowEvent: (req, c) => executions.createWorkflowEvent(req, ctx(c)),
    }),
    ...(nodeExecutions && {
      getNodeExecution: (req, c) => nodeExecutions.getNodeExecution(req, ctx(c)),
      getDynamicNodeWorkflow: (req, c) => nodeExecutions.getDynamicNodeWorkflow(req, ctx(c)),
      listNodeExecutions: (req, c) => nodeExecutions.listNodeExecutions(req, ctx(c)),
      listNodeExecutionsForTask: (req, c) => {
        defaultResourceType(req.taskExecutionId?.taskId, ResourceType.TASK);
        return nodeExecutions.listNodeExecutionsForTask(req, ctx(c));
      },
      getNodeExecutionData: (req, c) => nodeExecutions.getNodeExecutionData(req, ctx(c)),
      createNodeEvent: (req, c) => nodeExecutions.createNodeEvent(req, ctx(c)),
    }),
    ...(taskExecutions && {
      getTaskExecution: (req, c) => {
        defaultResourceType(req.id?.taskId, ResourceType.TASK);
        return taskExecutions.getTaskExecution(req, ctx(c));
      },
      listTaskExecutions: (req, c) => taskExecutions.listTaskExecutions(req, ctx(c)),
      getTaskExecutionData: (req, c) => {
        defaultResourceType(req.id?.taskId, ResourceType.TASK);
        return taskExecutions.getTaskExecutionData(req, ctx(c));
      },
      createTaskEvent: (req, c) => taskExecutions.createTaskEvent(req, ctx(c)),
    }),
    ...(projects && {
      registerProject: (req, c) => projects.registerProject(req, ctx(c)),
      updateProject: (req, c) => projects.updateProject(req, ctx(c)),
      getProject: (req, c) => projects.getProject(req, ctx(c)),
      listProjects: (req, c) => projects.listProjects(req, ctx(c)),
      getDomains: (req, c) => projects.getDomains(req, ctx(c)),
    }),
    ...(attributes && {
      updateProjectDomainAttributes: (req, c) => attributes.updateProjectDomainAttributes(req, ctx(c)),
      getProjectDomainAttributes: (req, c) => attributes.getProjectDomainAttributes(req, ctx(c)),
      deleteProjectDomainAttributes: (req, c) => attributes.deleteProjectDomainAttributes(req, ctx(c)),
      updateProjectAttributes: (req, c) => attributes.updateProjectAttributes(req, ctx(c)),
      getProjectAttributes: (req, c) => attributes.getProjectAttributes(req, ctx(c)),
      deleteProjectAttributes: (req, c) => attributes.deleteProjectAttributes(req, ctx(c)),
      updateWorkflowAttributes: (req, c) => attributes.updateWorkflowAttributes(req, ctx(c)),
      getWorkflowAttributes: (req, c) => attributes.getWorkflowAttributes(req, ctx(c)),
      deleteWorkflowAttributes: (req, c) => attributes.deleteWorkflowAttributes(req, ctx(c)),
      listMatchableAttributes: (req, c) => attributes.listMatchableAttributes(req, ctx(c)),
    }),
    ...(namedEntities && {
      listNamedEntities: (req, c) => namedEntities.listNamedEntities(req, ctx(c)),
      getNamedEntity: (req, c) => namedEntities.getNamedEntity(req, ctx(c)),
      updateNamedEntity: (req, c) => namedEntities.updateNamedEntity(req, ctx(c)),
    }),
    ...(version && {
      getVersion: (req, c) => version.getVersion(req, ctx(c)),
    }),
    ...(descriptionEntities && {
      getDescriptionEntity: (req, c) => {
        defaultResourceType(req.id, ResourceType.TASK);
        return descriptionEntities.getDescriptionEntity(req, ctx(c));
      },
      listDescriptionEntities: (req, c) => descriptionEntities.listDescriptionEntities(req, ctx(c)),
    }),
    ...(metrics && {
      getExecutionMetrics: (req, c) => metrics.getExecutionMetrics(req, ctx(c)),
    }),
  };
}

/** flyteadmin's RPC-layer fix for REST Get routes, which cannot carry `resource_type`. */
function defaultResourceType(id: Pick<Identifier, "resourceType"> | undefined, type: ResourceType): void {
  if (id !== undefined && id.resourceType === ResourceType.UNSPECIFIED) id.resourceType = type;
}
