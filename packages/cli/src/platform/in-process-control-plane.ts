/**
 * Admin as an in-process engine sees it: the engine's {@link ControlPlane} calls admin's managers directly,
 * with no transport in between, so `aloft start` pays no serialization or socket cost per event. Each call gets
 * its own manager context, as an unauthenticated internal caller (flyteadmin's principal "").
 */
import { type AdminManagers, type ManagerContext, requestIdFrom } from "@aloft/admin";
import type { ControlPlane } from "@aloft/engine";

function internalContext(signal: AbortSignal): ManagerContext {
  return { requestId: requestIdFrom(undefined), identity: undefined, signal };
}

/** A {@link ControlPlane} over `managers`; `signal` aborts in-flight calls when the platform stops. */
export function createInProcessControlPlane(managers: AdminManagers, signal: AbortSignal): ControlPlane {
  const context = (): ManagerContext => internalContext(signal);
  const { executions, nodeExecutions, taskExecutions, launchPlans, signals } = managers;
  return {
    admin: {
      createWorkflowEvent: (request) => executions.createWorkflowEvent(request, context()),
      createNodeEvent: (request) => nodeExecutions.createNodeEvent(request, context()),
      createTaskEvent: (request) => taskExecutions.createTaskEvent(request, context()),
      createExecution: (request) => executions.createExecution(request, context()),
      recoverExecution: (request) => executions.recoverExecution(request, context()),
      getExecution: (request) => executions.getExecution(request, context()),
      getExecutionData: (request) => executions.getExecutionData(request, context()),
      terminateExecution: (request) => executions.terminateExecution(request, context()),
      getLaunchPlan: (request) => launchPlans.getLaunchPlan(request, context()),
      getNodeExecution: (request) => nodeExecutions.getNodeExecution(request, context()),
      getNodeExecutionData: (request) => nodeExecutions.getNodeExecutionData(request, context()),
    },
    signals: {
      getOrCreateSignal: (request) => signals.getOrCreateSignal(request, context()),
    },
  };
}
