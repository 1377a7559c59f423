/**
 * What the engine needs from admin: the event API (propeller.md §8), child executions for launch-plan nodes
 * (§3.5), signals for gate nodes (§3.7), and node execution data for recovery mode (§4.4).
 *
 * The method names and messages are flyteidl's AdminService and SignalService ones, so a Connect client of
 * those services (`createClient(AdminService, transport)`) satisfies the interface as is, and an in-process
 * adapter over admin's managers is a thin wrapper (see `@aloft/cli`'s composition of `aloft start`).
 *
 * Errors are `AloftError`s (or `ConnectError`s) carrying flyteadmin's gRPC code and, for events, its
 * `EventErrorDetails` (`already_in_terminal_state`, `incompatible_cluster`); the engine reacts to them as
 * propeller does (§8.3).
 */
import type { ObjectGetRequest } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type {
  NodeExecutionEventRequest,
  NodeExecutionEventResponse,
  TaskExecutionEventRequest,
  TaskExecutionEventResponse,
  WorkflowExecutionEventRequest,
  WorkflowExecutionEventResponse,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import type {
  Execution,
  ExecutionCreateRequest,
  ExecutionCreateResponse,
  ExecutionRecoverRequest,
  ExecutionTerminateRequest,
  ExecutionTerminateResponse,
  WorkflowExecutionGetDataRequest,
  WorkflowExecutionGetDataResponse,
  WorkflowExecutionGetRequest,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type {
  NodeExecution,
  NodeExecutionGetDataRequest,
  NodeExecutionGetDataResponse,
  NodeExecutionGetRequest,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import type { Signal, SignalGetOrCreateRequest } from "@aloft/idl/gen/flyteidl/admin/signal_pb";

/** The slice of flyteidl's AdminService the engine calls. */
export interface AdminApi {
  createWorkflowEvent(request: WorkflowExecutionEventRequest): Promise<WorkflowExecutionEventResponse>;
  createNodeEvent(request: NodeExecutionEventRequest): Promise<NodeExecutionEventResponse>;
  createTaskEvent(request: TaskExecutionEventRequest): Promise<TaskExecutionEventResponse>;
  createExecution(request: ExecutionCreateRequest): Promise<ExecutionCreateResponse>;
  recoverExecution(request: ExecutionRecoverRequest): Promise<ExecutionCreateResponse>;
  getExecution(request: WorkflowExecutionGetRequest): Promise<Execution>;
  getExecutionData(request: WorkflowExecutionGetDataRequest): Promise<WorkflowExecutionGetDataResponse>;
  terminateExecution(request: ExecutionTerminateRequest): Promise<ExecutionTerminateResponse>;
  getLaunchPlan(request: ObjectGetRequest): Promise<LaunchPlan>;
  getNodeExecution(request: NodeExecutionGetRequest): Promise<NodeExecution>;
  getNodeExecutionData(request: NodeExecutionGetDataRequest): Promise<NodeExecutionGetDataResponse>;
}

/** The slice of flyteidl's SignalService the engine calls. */
export interface SignalApi {
  getOrCreateSignal(request: SignalGetOrCreateRequest): Promise<Signal>;
}

/** Admin as the engine sees it. */
export interface ControlPlane {
  readonly admin: AdminApi;
  readonly signals: SignalApi;
}
