/**
 * Test helper: the execution-side managers (executions, node and task executions, signals, data proxy,
 * metrics) over a test database, wired with the registration managers, a signing temp-dir blob store and
 * the real queue-backed workflow executor. Plus event builders and queue readers.
 */
import {
  decodeAbortRequest,
  decodeExecutionRequest,
  createQueuedWorkflowExecutor,
  type AbortRequest,
  type ExecutionRequest,
  type WorkflowExecutor,
} from "@aloft/db";
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { FsBlobStore } from "@aloft/storage";
import { makeTempDir } from "@aloft/test-helpers";
import {
  NodeExecutionEventRequestSchema,
  TaskExecutionEventRequestSchema,
  WorkflowExecutionEventRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { type ExecutionCreateRequest, ExecutionCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  NodeExecutionEventSchema,
  TaskExecutionEventSchema,
  WorkflowExecutionEventSchema,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import { afterAll, beforeAll } from "vitest";
import type { AdminConfigInput } from "../../config/admin-config.js";
import type { TestDatabase } from "../../repositories/test-databases.test-helper.js";
import { createDataProxyManager } from "../data-proxy-manager.js";
import type {
  DataProxyManager,
  ExecutionManager,
  MetricsManager,
  NodeExecutionManager,
  SignalManager,
  TaskExecutionManager,
} from "../interfaces.js";
import { createMetricsManager } from "../metrics-manager.js";
import { createNodeExecutionManager } from "../node-execution-manager.js";
import {
  createRegistrationManagers,
  registerProject,
  type RegistrationManagers,
  testContext,
} from "../registration-harness.test-helper.js";
import { launchPlanRequest, taskRequest, workflowRequest } from "../registration-requests.test-helper.js";
import { createSignalManager } from "../signal-manager.js";
import { createTaskExecutionManager } from "../task-execution-manager.js";
import { createExecutionManager, type ExecutionManagerDeps } from "./execution-manager.js";

export { failure, registerProject, testContext } from "../registration-harness.test-helper.js";
export { launchPlanRequest, taskRequest, workflowRequest } from "../registration-requests.test-helper.js";

/** The plain-object form of a message init (not an already created message). */
type Init<Desc extends DescMessage> = Exclude<MessageInitShape<Desc>, MessageShape<Desc>>;

/** Where signed blob URLs point; tests swap in the real server origin when they follow one. */
export const TEST_BLOB_BASE_URL = "http://127.0.0.1/blobs";

/** A temp-dir blob store that signs URLs (served under `/blobs`), for the whole test file. */
export function useSigningBlobStore(): () => FsBlobStore {
  let store: FsBlobStore | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dir = await makeTempDir("aloft-admin-executions-");
    cleanup = dir.cleanup;
    store = new FsBlobStore({
      root: dir.path,
      aliasSchemes: ["s3"],
      baseUri: "s3://bucket",
      signing: { secret: "a test signing secret", publicBaseUrl: TEST_BLOB_BASE_URL },
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });
  return () => {
    if (store === undefined) throw new Error("blob store is not ready");
    return store;
  };
}

/** Every execution-side manager plus the registration managers, over one database and store. */
export interface ExecutionHarness {
  db: TestDatabase;
  blobStore: FsBlobStore;
  registration: RegistrationManagers;
  executions: ExecutionManager;
  nodeExecutions: NodeExecutionManager;
  taskExecutions: TaskExecutionManager;
  signals: SignalManager;
  dataProxy: DataProxyManager;
  metrics: MetricsManager;
}

/** Options of {@link createExecutionHarness}. */
export interface ExecutionHarnessOptions {
  config?: AdminConfigInput;
  /** @default the queue-backed executor over the test database */
  executor?: WorkflowExecutor;
  /** Fixed generated names, in order (then the real generator). */
  names?: string[];
  now?: () => Date;
  creationNotice?: ExecutionManagerDeps["creationNotice"];
}

/** Wires the managers as the composition root will. */
export function createExecutionHarness(
  db: TestDatabase,
  blobStore: FsBlobStore,
  options: ExecutionHarnessOptions = {},
): ExecutionHarness {
  const registration = createRegistrationManagers(db, blobStore, options.config);
  const config = registration.config;
  const repos = db.repos;
  const executor =
    options.executor ?? createQueuedWorkflowExecutor({ db: repos.executor, capabilities: repos.capabilities });
  const names = [...(options.names ?? [])];
  const remoteData = { ...config.remoteData };
  const executions = createExecutionManager({
    repos,
    blobStore,
    executor,
    workflows: registration.workflows,
    domains: config.domains,
    application: config.application,
    registration: config.registration,
    taskResources: config.taskResources,
    namespaceTemplate: config.namespaceMapping.template,
    remoteData,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.creationNotice === undefined ? {} : { creationNotice: options.creationNotice }),
    ...(names.length === 0
      ? {}
      : { generateName: () => names.shift() ?? `a${Math.random().toString(36).slice(2, 21)}` }),
  });
  const nodeExecutions = createNodeExecutionManager({
    repos,
    blobStore,
    metadataStoragePrefix: config.application.metadataStoragePrefix,
    remoteData,
  });
  const taskExecutions = createTaskExecutionManager({ repos, blobStore, remoteData });
  return {
    db,
    blobStore,
    registration,
    executions,
    nodeExecutions,
    taskExecutions,
    signals: createSignalManager({ repos }),
    dataProxy: createDataProxyManager({
      blobStore,
      dataProxy: config.server.dataProxy,
      nodeExecutions,
      taskExecutions,
    }),
    metrics: createMetricsManager({
      workflows: registration.workflows,
      executions,
      nodeExecutions,
      taskExecutions,
    }),
  };
}

/**
 * Registers the project `admintests` (plus any `extraProjects`), task `task`, workflow `workflow` and launch
 * plan `launch_plan` (all version `123`, input `foo: STRING` defaulted to "foo-value" by the launch plan).
 */
export async function seedLaunchPlan(
  harness: ExecutionHarness,
  launchPlanSpec: Parameters<typeof launchPlanRequest>[2] = {},
): Promise<void> {
  const r = harness.registration;
  await registerProject(r);
  await r.tasks.createTask(taskRequest(), testContext);
  await r.workflows.createWorkflow(workflowRequest(), testContext);
  await r.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, launchPlanSpec), testContext);
}

/** An ExecutionCreateRequest for `launch_plan` v123 in admintests/development. */
export function executionRequest(
  init: Partial<Init<typeof ExecutionCreateRequestSchema>> = {},
): ExecutionCreateRequest {
  return create(ExecutionCreateRequestSchema, {
    project: "admintests",
    domain: "development",
    name: "exec1",
    spec: {
      launchPlan: {
        resourceType: ResourceType.LAUNCH_PLAN,
        project: "admintests",
        domain: "development",
        name: "launch_plan",
        version: "123",
      },
    },
    ...init,
  });
}

/** The create requests queued for the engine, oldest first. */
export async function queuedExecutions(db: TestDatabase): Promise<ExecutionRequest[]> {
  const rows = await db.repos.executionQueue.list();
  return rows.filter((row) => row.kind === "create").map((row) => decodeExecutionRequest(row.payload));
}

/** The abort requests queued for the engine, oldest first. */
export async function queuedAborts(db: TestDatabase): Promise<AbortRequest[]> {
  const rows = await db.repos.executionQueue.list();
  return rows.filter((row) => row.kind === "abort").map((row) => decodeAbortRequest(row.payload));
}

/** Seconds since the epoch → a Timestamp (events carry these). */
export function at(seconds: number) {
  return timestampFromMs(seconds * 1000);
}

const executionId = (name = "exec1") => ({ project: "admintests", domain: "development", name });

/** A workflow event for `exec1` (override anything). */
export function workflowEvent(
  phase: WorkflowExecution_Phase,
  event: Partial<Init<typeof WorkflowExecutionEventSchema>> = {},
) {
  return create(WorkflowExecutionEventRequestSchema, {
    requestId: "r",
    event: create(WorkflowExecutionEventSchema, {
      executionId: executionId(),
      phase,
      occurredAt: at(1_700_000_000),
      producerId: "propeller",
      ...event,
    }),
  });
}

/** A node event for node `n0` of `exec1`. */
export function nodeEvent(phase: NodeExecution_Phase, event: Partial<Init<typeof NodeExecutionEventSchema>> = {}) {
  return create(NodeExecutionEventRequestSchema, {
    requestId: "r",
    event: create(NodeExecutionEventSchema, {
      id: { nodeId: "n0", executionId: executionId() },
      phase,
      occurredAt: at(1_700_000_000),
      producerId: "propeller",
      specNodeId: "n0",
      ...event,
    }),
  });
}

/** A task event for attempt `retryAttempt` of `task` v123 in node `n0` of `exec1`. */
export function taskEvent(phase: TaskExecution_Phase, event: Partial<Init<typeof TaskExecutionEventSchema>> = {}) {
  return create(TaskExecutionEventRequestSchema, {
    requestId: "r",
    event: create(TaskExecutionEventSchema, {
      taskId: {
        resourceType: ResourceType.TASK,
        project: "admintests",
        domain: "development",
        name: "task",
        version: "123",
      },
      parentNodeExecutionId: { nodeId: "n0", executionId: executionId() },
      phase,
      occurredAt: at(1_700_000_000),
      producerId: "propeller",
      ...event,
    }),
  });
}

export { NodeExecution_Phase, TaskExecution_Phase, WorkflowExecution_Phase };
