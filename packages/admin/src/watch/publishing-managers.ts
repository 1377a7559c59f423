/**
 * Managers that announce what they changed. Each manager call commits its own writes before it resolves, so
 * publishing once the call resolved means watchers never re-read a change before it is visible.
 */
import { entityKeyFromId, executionKeyFromId, nodeExecutionKeyFromId } from "../transformers/identifier-transformer.js";
import type {
  AdminManagers,
  ExecutionManager,
  NodeExecutionManager,
  TaskExecutionManager,
} from "../managers/interfaces.js";
import type { ExecutionChangeFeed } from "./execution-change-feed.js";

/** Options of {@link withChangePublishing}. */
export interface ChangePublishingOptions {
  /**
   * The execution manager sends each creation's {@link ExecutionChangeFeed.noticeFor} notice in the creating
   * transaction itself, so creations are only delivered within this process here.
   */
  creationsRelayed?: boolean;
}

/**
 * `managers` with execution creation (create, relaunch, recover), updates, termination and the three event calls
 * publishing their change to `feed`; everything else is passed through untouched.
 */
export function withChangePublishing<M extends Pick<AdminManagers, "executions" | "nodeExecutions" | "taskExecutions">>(
  managers: M,
  feed: ExecutionChangeFeed,
  options: ChangePublishingOptions = {},
): M {
  return {
    ...managers,
    executions: publishingExecutions(managers.executions, feed, options.creationsRelayed === true),
    nodeExecutions: publishingNodeExecutions(managers.nodeExecutions, feed),
    taskExecutions: publishingTaskExecutions(managers.taskExecutions, feed),
  };
}

function publishingExecutions(
  executions: ExecutionManager,
  feed: ExecutionChangeFeed,
  creationsRelayed: boolean,
): ExecutionManager {
  const created = <T extends { id?: Parameters<typeof executionKeyFromId>[0] }>(response: T): T => {
    feed.publish({ kind: "execution", executionId: executionKeyFromId(response.id) }, { relayed: creationsRelayed });
    return response;
  };
  return {
    ...executions,
    createExecution: async (request, context) => created(await executions.createExecution(request, context)),
    relaunchExecution: async (request, context) => created(await executions.relaunchExecution(request, context)),
    recoverExecution: async (request, context) => created(await executions.recoverExecution(request, context)),
    async updateExecution(request, context) {
      const response = await executions.updateExecution(request, context);
      feed.publish({ kind: "execution", executionId: executionKeyFromId(request.id) });
      return response;
    },
    async terminateExecution(request, context) {
      try {
        return await executions.terminateExecution(request, context);
      } finally {
        // Also on failure: when the engine refuses the abort, ABORTING is stored all the same. A change that did
        // not happen costs watchers one re-read, which finds nothing new.
        feed.publish({ kind: "execution", executionId: executionKeyFromId(request.id) });
      }
    },
    async createWorkflowEvent(request, context) {
      const response = await executions.createWorkflowEvent(request, context);
      feed.publish({ kind: "execution", executionId: executionKeyFromId(request.event?.executionId) });
      return response;
    },
  };
}

function publishingNodeExecutions(nodes: NodeExecutionManager, feed: ExecutionChangeFeed): NodeExecutionManager {
  return {
    ...nodes,
    async createNodeEvent(request, context) {
      const response = await nodes.createNodeEvent(request, context);
      const key = nodeExecutionKeyFromId(request.event?.id);
      feed.publish({ kind: "node", executionId: key.executionId, nodeId: key.nodeId });
      return response;
    },
  };
}

function publishingTaskExecutions(tasks: TaskExecutionManager, feed: ExecutionChangeFeed): TaskExecutionManager {
  return {
    ...tasks,
    async createTaskEvent(request, context) {
      const response = await tasks.createTaskEvent(request, context);
      const event = request.event;
      const nodeExecutionId = nodeExecutionKeyFromId(event?.parentNodeExecutionId);
      feed.publish({
        kind: "task",
        executionId: nodeExecutionId.executionId,
        task: {
          taskId: entityKeyFromId(event?.taskId),
          nodeExecutionId,
          retryAttempt: event?.retryAttempt ?? 0,
        },
      });
      return response;
    },
  };
}
