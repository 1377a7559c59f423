/**
 * The contract between the thin RPC handlers (`rpc/`) and the managers: one interface per entity, one method
 * per RPC, request proto in, response proto out. The RPC layer has already applied flyteadmin's RPC-level
 * defaults (a missing `resource_type` on Get calls, see `rpc/admin-service.ts`); everything else (validation,
 * semantics, errors) is the manager's job. Managers throw `AloftError` with flyteadmin's code, message and
 * typed details; anything else they throw reaches clients as INTERNAL.
 *
 * The same manager call serves gRPC, gRPC-Web, Connect and REST, so behaviour cannot differ by transport.
 */
import type {
  ObjectGetRequest,
  NamedEntityIdentifierListRequest,
  NamedEntityIdentifierList,
  ResourceListRequest,
  NamedEntityListRequest,
  NamedEntityList,
  NamedEntityGetRequest,
  NamedEntity,
  NamedEntityUpdateRequest,
  NamedEntityUpdateResponse,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type {
  DescriptionEntity,
  DescriptionEntityList,
  DescriptionEntityListRequest,
} from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
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
  ExecutionList,
  ExecutionRecoverRequest,
  ExecutionRelaunchRequest,
  ExecutionTerminateRequest,
  ExecutionTerminateResponse,
  ExecutionUpdateRequest,
  ExecutionUpdateResponse,
  WorkflowExecutionGetDataRequest,
  WorkflowExecutionGetDataResponse,
  WorkflowExecutionGetMetricsRequest,
  WorkflowExecutionGetMetricsResponse,
  WorkflowExecutionGetRequest,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type {
  ActiveLaunchPlanListRequest,
  ActiveLaunchPlanRequest,
  LaunchPlan,
  LaunchPlanCreateRequest,
  LaunchPlanCreateResponse,
  LaunchPlanList,
  LaunchPlanUpdateRequest,
  LaunchPlanUpdateResponse,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type {
  ListMatchableAttributesRequest,
  ListMatchableAttributesResponse,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type {
  DynamicNodeWorkflowResponse,
  GetDynamicNodeWorkflowRequest,
  NodeExecution,
  NodeExecutionForTaskListRequest,
  NodeExecutionGetDataRequest,
  NodeExecutionGetDataResponse,
  NodeExecutionGetRequest,
  NodeExecutionList,
  NodeExecutionListRequest,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import type {
  ProjectAttributesDeleteRequest,
  ProjectAttributesDeleteResponse,
  ProjectAttributesGetRequest,
  ProjectAttributesGetResponse,
  ProjectAttributesUpdateRequest,
  ProjectAttributesUpdateResponse,
} from "@aloft/idl/gen/flyteidl/admin/project_attributes_pb";
import type {
  ProjectDomainAttributesDeleteRequest,
  ProjectDomainAttributesDeleteResponse,
  ProjectDomainAttributesGetRequest,
  ProjectDomainAttributesGetResponse,
  ProjectDomainAttributesUpdateRequest,
  ProjectDomainAttributesUpdateResponse,
} from "@aloft/idl/gen/flyteidl/admin/project_domain_attributes_pb";
import type {
  GetDomainRequest,
  GetDomainsResponse,
  Project,
  ProjectGetRequest,
  ProjectListRequest,
  ProjectRegisterRequest,
  ProjectRegisterResponse,
  Projects,
  ProjectUpdateResponse,
} from "@aloft/idl/gen/flyteidl/admin/project_pb";
import type {
  Signal,
  SignalGetOrCreateRequest,
  SignalList,
  SignalListRequest,
  SignalSetRequest,
  SignalSetResponse,
} from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import type {
  TaskExecution,
  TaskExecutionGetDataRequest,
  TaskExecutionGetDataResponse,
  TaskExecutionGetRequest,
  TaskExecutionList,
  TaskExecutionListRequest,
} from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import type { Task, TaskCreateRequest, TaskCreateResponse, TaskList } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import type { GetVersionRequest, GetVersionResponse } from "@aloft/idl/gen/flyteidl/admin/version_pb";
import type {
  WorkflowAttributesDeleteRequest,
  WorkflowAttributesDeleteResponse,
  WorkflowAttributesGetRequest,
  WorkflowAttributesGetResponse,
  WorkflowAttributesUpdateRequest,
  WorkflowAttributesUpdateResponse,
} from "@aloft/idl/gen/flyteidl/admin/workflow_attributes_pb";
import type {
  Workflow,
  WorkflowCreateRequest,
  WorkflowCreateResponse,
  WorkflowList,
} from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import type {
  OAuth2MetadataRequest,
  OAuth2MetadataResponse,
  PublicClientAuthConfigRequest,
  PublicClientAuthConfigResponse,
} from "@aloft/idl/gen/flyteidl/service/auth_pb";
import type {
  CreateDownloadLinkRequest,
  CreateDownloadLinkResponse,
  CreateDownloadLocationRequest,
  CreateDownloadLocationResponse,
  CreateUploadLocationRequest,
  CreateUploadLocationResponse,
  GetDataRequest,
  GetDataResponse,
} from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import type { UserInfoRequest, UserInfoResponse } from "@aloft/idl/gen/flyteidl/service/identity_pb";

/** Who is calling, as established by the server's `authenticate` hook (auth itself is a later issue). */
export interface CallerIdentity {
  /** The token's `sub`; flyteadmin's "principal". */
  subject: string;
  /** The OAuth client id for machine tokens. */
  clientId?: string;
  /** Granted scopes. */
  scopes?: readonly string[];
  /** The user's e-mail, when the token carries one. */
  email?: string;
}

/** Per-call information every manager method receives after the request. */
export interface ManagerContext {
  /** `x-request-id` from the caller, else a generated `a-` + 20 characters, as flyteadmin; for logs only. */
  readonly requestId: string;
  /** The authenticated caller, or undefined when authentication is off (flyteadmin's principal is then ""). */
  readonly identity: CallerIdentity | undefined;
  /** Aborted when the caller goes away, its deadline passes or the server is forced to stop. */
  readonly signal: AbortSignal;
}

/** Projects and domains (flyteadmin `ProjectManager`). */
export interface ProjectManager {
  registerProject(request: ProjectRegisterRequest, context: ManagerContext): Promise<ProjectRegisterResponse>;
  updateProject(request: Project, context: ManagerContext): Promise<ProjectUpdateResponse>;
  getProject(request: ProjectGetRequest, context: ManagerContext): Promise<Project>;
  listProjects(request: ProjectListRequest, context: ManagerContext): Promise<Projects>;
  getDomains(request: GetDomainRequest, context: ManagerContext): Promise<GetDomainsResponse>;
}

/** Task registration and reads. `getTask` receives `id.resource_type` defaulted to TASK. */
export interface TaskManager {
  createTask(request: TaskCreateRequest, context: ManagerContext): Promise<TaskCreateResponse>;
  getTask(request: ObjectGetRequest, context: ManagerContext): Promise<Task>;
  listTaskIds(request: NamedEntityIdentifierListRequest, context: ManagerContext): Promise<NamedEntityIdentifierList>;
  listTasks(request: ResourceListRequest, context: ManagerContext): Promise<TaskList>;
}

/** Workflow registration and reads. `getWorkflow` receives `id.resource_type` defaulted to WORKFLOW. */
export interface WorkflowManager {
  createWorkflow(request: WorkflowCreateRequest, context: ManagerContext): Promise<WorkflowCreateResponse>;
  getWorkflow(request: ObjectGetRequest, context: ManagerContext): Promise<Workflow>;
  listWorkflowIds(
    request: NamedEntityIdentifierListRequest,
    context: ManagerContext,
  ): Promise<NamedEntityIdentifierList>;
  listWorkflows(request: ResourceListRequest, context: ManagerContext): Promise<WorkflowList>;
}

/**
 * Launch plans. `getLaunchPlan` and `updateLaunchPlan` receive `id.resource_type` defaulted to LAUNCH_PLAN.
 */
export interface LaunchPlanManager {
  createLaunchPlan(request: LaunchPlanCreateRequest, context: ManagerContext): Promise<LaunchPlanCreateResponse>;
  getLaunchPlan(request: ObjectGetRequest, context: ManagerContext): Promise<LaunchPlan>;
  getActiveLaunchPlan(request: ActiveLaunchPlanRequest, context: ManagerContext): Promise<LaunchPlan>;
  listActiveLaunchPlans(request: ActiveLaunchPlanListRequest, context: ManagerContext): Promise<LaunchPlanList>;
  listLaunchPlanIds(
    request: NamedEntityIdentifierListRequest,
    context: ManagerContext,
  ): Promise<NamedEntityIdentifierList>;
  listLaunchPlans(request: ResourceListRequest, context: ManagerContext): Promise<LaunchPlanList>;
  updateLaunchPlan(request: LaunchPlanUpdateRequest, context: ManagerContext): Promise<LaunchPlanUpdateResponse>;
}

/** Workflow executions, including the workflow events propeller reports. */
export interface ExecutionManager {
  createExecution(request: ExecutionCreateRequest, context: ManagerContext): Promise<ExecutionCreateResponse>;
  relaunchExecution(request: ExecutionRelaunchRequest, context: ManagerContext): Promise<ExecutionCreateResponse>;
  recoverExecution(request: ExecutionRecoverRequest, context: ManagerContext): Promise<ExecutionCreateResponse>;
  getExecution(request: WorkflowExecutionGetRequest, context: ManagerContext): Promise<Execution>;
  updateExecution(request: ExecutionUpdateRequest, context: ManagerContext): Promise<ExecutionUpdateResponse>;
  getExecutionData(
    request: WorkflowExecutionGetDataRequest,
    context: ManagerContext,
  ): Promise<WorkflowExecutionGetDataResponse>;
  listExecutions(request: ResourceListRequest, context: ManagerContext): Promise<ExecutionList>;
  terminateExecution(request: ExecutionTerminateRequest, context: ManagerContext): Promise<ExecutionTerminateResponse>;
  createWorkflowEvent(
    request: WorkflowExecutionEventRequest,
    context: ManagerContext,
  ): Promise<WorkflowExecutionEventResponse>;
}

/**
 * Node executions and node events. `listNodeExecutionsForTask` receives
 * `task_execution_id.task_id.resource_type` defaulted to TASK.
 */
export interface NodeExecutionManager {
  getNodeExecution(request: NodeExecutionGetRequest, context: ManagerContext): Promise<NodeExecution>;
  getDynamicNodeWorkflow(
    request: GetDynamicNodeWorkflowRequest,
    context: ManagerContext,
  ): Promise<DynamicNodeWorkflowResponse>;
  listNodeExecutions(request: NodeExecutionListRequest, context: ManagerContext): Promise<NodeExecutionList>;
  listNodeExecutionsForTask(
    request: NodeExecutionForTaskListRequest,
    context: ManagerContext,
  ): Promise<NodeExecutionList>;
  getNodeExecutionData(
    request: NodeExecutionGetDataRequest,
    context: ManagerContext,
  ): Promise<NodeExecutionGetDataResponse>;
  createNodeEvent(request: NodeExecutionEventRequest, context: ManagerContext): Promise<NodeExecutionEventResponse>;
}

/**
 * Task executions and task events. `getTaskExecution` and `getTaskExecutionData` receive
 * `id.task_id.resource_type` defaulted to TASK; flyteadmin validates the task execution identifier of
 * `getTaskExecution` (and the list request of `listTaskExecutions`) before calling its manager, so do that first.
 */
export interface TaskExecutionManager {
  getTaskExecution(request: TaskExecutionGetRequest, context: ManagerContext): Promise<TaskExecution>;
  listTaskExecutions(request: TaskExecutionListRequest, context: ManagerContext): Promise<TaskExecutionList>;
  getTaskExecutionData(
    request: TaskExecutionGetDataRequest,
    context: ManagerContext,
  ): Promise<TaskExecutionGetDataResponse>;
  createTaskEvent(request: TaskExecutionEventRequest, context: ManagerContext): Promise<TaskExecutionEventResponse>;
}

/** Matchable attributes at project, project-domain and workflow level. */
export interface AttributesManager {
  updateProjectDomainAttributes(
    request: ProjectDomainAttributesUpdateRequest,
    context: ManagerContext,
  ): Promise<ProjectDomainAttributesUpdateResponse>;
  getProjectDomainAttributes(
    request: ProjectDomainAttributesGetRequest,
    context: ManagerContext,
  ): Promise<ProjectDomainAttributesGetResponse>;
  deleteProjectDomainAttributes(
    request: ProjectDomainAttributesDeleteRequest,
    context: ManagerContext,
  ): Promise<ProjectDomainAttributesDeleteResponse>;
  updateProjectAttributes(
    request: ProjectAttributesUpdateRequest,
    context: ManagerContext,
  ): Promise<ProjectAttributesUpdateResponse>;
  getProjectAttributes(
    request: ProjectAttributesGetRequest,
    context: ManagerContext,
  ): Promise<ProjectAttributesGetResponse>;
  deleteProjectAttributes(
    request: ProjectAttributesDeleteRequest,
    context: ManagerContext,
  ): Promise<ProjectAttributesDeleteResponse>;
  updateWorkflowAttributes(
    request: WorkflowAttributesUpdateRequest,
    context: ManagerContext,
  ): Promise<WorkflowAttributesUpdateResponse>;
  getWorkflowAttributes(
    request: WorkflowAttributesGetRequest,
    context: ManagerContext,
  ): Promise<WorkflowAttributesGetResponse>;
  deleteWorkflowAttributes(
    request: WorkflowAttributesDeleteRequest,
    context: ManagerContext,
  ): Promise<WorkflowAttributesDeleteResponse>;
  listMatchableAttributes(
    request: ListMatchableAttributesRequest,
    context: ManagerContext,
  ): Promise<ListMatchableAttributesResponse>;
}

/** Named entities (the name-level view of tasks, workflows and launch plans). */
export interface NamedEntityManager {
  listNamedEntities(request: NamedEntityListRequest, context: ManagerContext): Promise<NamedEntityList>;
  getNamedEntity(request: NamedEntityGetRequest, context: ManagerContext): Promise<NamedEntity>;
  updateNamedEntity(request: NamedEntityUpdateRequest, context: ManagerContext): Promise<NamedEntityUpdateResponse>;
}

/** Description entities. `getDescriptionEntity` receives `id.resource_type` defaulted to TASK. */
export interface DescriptionEntityManager {
  getDescriptionEntity(request: ObjectGetRequest, context: ManagerContext): Promise<DescriptionEntity>;
  listDescriptionEntities(
    request: DescriptionEntityListRequest,
    context: ManagerContext,
  ): Promise<DescriptionEntityList>;
}

/** Execution span metrics (`GetExecutionMetrics`). */
export interface MetricsManager {
  getExecutionMetrics(
    request: WorkflowExecutionGetMetricsRequest,
    context: ManagerContext,
  ): Promise<WorkflowExecutionGetMetricsResponse>;
}

/** `GetVersion`. */
export interface VersionManager {
  getVersion(request: GetVersionRequest, context: ManagerContext): Promise<GetVersionResponse>;
}

/** SignalService (gate nodes). */
export interface SignalManager {
  getOrCreateSignal(request: SignalGetOrCreateRequest, context: ManagerContext): Promise<Signal>;
  listSignals(request: SignalListRequest, context: ManagerContext): Promise<SignalList>;
  setSignal(request: SignalSetRequest, context: ManagerContext): Promise<SignalSetResponse>;
}

/** DataProxyService (uploads for fast registration, downloads, `flyte://` data). */
export interface DataProxyManager {
  createUploadLocation(
    request: CreateUploadLocationRequest,
    context: ManagerContext,
  ): Promise<CreateUploadLocationResponse>;
  createDownloadLocation(
    request: CreateDownloadLocationRequest,
    context: ManagerContext,
  ): Promise<CreateDownloadLocationResponse>;
  createDownloadLink(request: CreateDownloadLinkRequest, context: ManagerContext): Promise<CreateDownloadLinkResponse>;
  getData(request: GetDataRequest, context: ManagerContext): Promise<GetDataResponse>;
}

/** AuthMetadataService; flyteadmin serves it only with authentication on, so it stays absent for now. */
export interface AuthMetadataManager {
  getOAuth2Metadata(request: OAuth2MetadataRequest, context: ManagerContext): Promise<OAuth2MetadataResponse>;
  getPublicClientConfig(
    request: PublicClientAuthConfigRequest,
    context: ManagerContext,
  ): Promise<PublicClientAuthConfigResponse>;
}

/** IdentityService; flyteadmin serves it only with authentication on. */
export interface IdentityManager {
  userInfo(request: UserInfoRequest, context: ManagerContext): Promise<UserInfoResponse>;
}

/**
 * Every manager the RPC layer calls. The server takes a `Partial<AdminManagers>`: the RPCs of an absent manager
 * answer UNIMPLEMENTED, so admin can be assembled one manager at a time.
 */
export interface AdminManagers {
  projects: ProjectManager;
  tasks: TaskManager;
  workflows: WorkflowManager;
  launchPlans: LaunchPlanManager;
  executions: ExecutionManager;
  nodeExecutions: NodeExecutionManager;
  taskExecutions: TaskExecutionManager;
  attributes: AttributesManager;
  namedEntities: NamedEntityManager;
  descriptionEntities: DescriptionEntityManager;
  metrics: MetricsManager;
  version: VersionManager;
  signals: SignalManager;
  dataProxy: DataProxyManager;
  authMetadata: AuthMetadataManager;
  identity: IdentityManager;
}
