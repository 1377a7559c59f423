/**
 * In-memory managers for transport tests, and a helper that starts a real admin server (port 0) over them.
 * "Echo" methods return the request they received (as JSON in a string field of the response), so tests can
 * assert what the server parsed from paths, queries and bodies.
 */
import { AloftError, Code, flyteidlRegistry, formatIdentifier } from "@aloft/idl";
import { create, toJsonString, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import {
  NamedEntityIdentifierListSchema,
  NamedEntityListSchema,
  NamedEntitySchema,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { DescriptionEntitySchema } from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import {
  EventErrorAlreadyInTerminalStateSchema,
  EventFailureReasonSchema,
  WorkflowExecutionEventResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { ExecutionListSchema, ExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import {
  GetDomainsResponseSchema,
  ProjectRegisterResponseSchema,
  ProjectSchema,
  ProjectsSchema,
} from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { SignalListSchema } from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import { type Task, TaskCreateResponseSchema, TaskListSchema, TaskSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { GetVersionResponseSchema } from "@aloft/idl/gen/flyteidl/admin/version_pb";
import { TaskExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { CreateDownloadLocationResponseSchema } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { UserInfoResponseSchema } from "@aloft/idl/gen/flyteidl/service/identity_pb";
import { Writable } from "node:stream";
import type { FsBlobStore } from "@aloft/storage";
import { compileAdminConfig, type AdminConfigInput } from "../config/admin-config.js";
import type { AdminManagers } from "../managers/interfaces.js";
import { createAdminServer, type AdminServer } from "./create-admin-server.js";
import { createAdminLogger } from "./create-logger.js";
import { AdminMetrics } from "./metrics.js";

/** The JSON of a request, for echo responses. */
function echo<Desc extends DescMessage>(schema: Desc, request: MessageShape<Desc>): string {
  return toJsonString(schema, request, { useProtoFieldName: true });
}

/** A gate slow RPCs wait on, released by the test. */
export class Gate {
  readonly #released: Promise<void>;
  #release!: () => void;
  #waiting = 0;
  readonly #watchers: { count: number; resolve: () => void }[] = [];

  constructor() {
    this.#released = new Promise((resolve) => (this.#release = resolve));
  }

  /** Resolves once `count` calls are waiting at the gate. */
  waiting(count: number): Promise<void> {
    if (this.#waiting >= count) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ count, resolve }));
  }

  release(): void {
    this.#release();
  }

  async wait(): Promise<void> {
    this.#waiting++;
    for (const watcher of this.#watchers) if (this.#waiting >= watcher.count) watcher.resolve();
    await this.#released;
  }
}

/** Fake managers plus the handles tests use to steer them. */
export interface FakeAdmin {
  managers: Partial<AdminManagers>;
  /** `registerProject` for project id `slow` waits on this. */
  slowGate: Gate;
}

/** Builds fake managers: tasks in memory, echoing list/get methods, a slow project registration. */
export function fakeManagers(): FakeAdmin {
  const tasks = new Map<string, Task>();
  const slowGate = new Gate();
  const managers: Partial<AdminManagers> = {
    tasks: {
      async createTask(request) {
        const id = request.id;
        if (id === undefined || id.name === "") throw AloftError.invalidArgument("missing name");
        const key = formatIdentifier(id);
        if (tasks.has(key)) throw AloftError.alreadyExists("task with identical structure already exists");
        tasks.set(key, create(TaskSchema, { id, closure: { compiledTask: { template: request.spec?.template } } }));
        return create(TaskCreateResponseSchema);
      },
      async getTask(request) {
        const id = request.id;
        const task = id === undefined ? undefined : tasks.get(formatIdentifier(id));
        if (id?.name === "echo") return create(TaskSchema, { id, shortDescription: "echo" });
        if (task === undefined) {
          throw AloftError.notFound(`missing entity of type TASK with identifier ${id ? formatIdentifier(id) : ""}`);
        }
        return task;
      },
      async listTaskIds(request) {
        return create(NamedEntityIdentifierListSchema, { token: `${request.project}/${request.domain}` });
      },
      async listTasks(request) {
        const all = [...tasks.values()].filter(
          (t) =>
            t.id?.project === request.id?.project &&
            t.id?.domain === request.id?.domain &&
            (request.id?.name === "" || t.id?.name === request.id?.name),
        );
        return create(TaskListSchema, { tasks: all, token: "" });
      },
    },
    version: {
      async getVersion() {
        return create(GetVersionResponseSchema, {
          controlPlaneVersion: { Version: "v1.2.3", Build: "abc", BuildTime: "2026-01-01" },
        });
      },
    },
    executions: {
      async createExecution() {
        throw new Error("database exploded with a secret connection string");
      },
      async relaunchExecution() {
        throw new AloftError(Code.PermissionDenied, "not yours");
      },
      async recoverExecution() {
        throw new AloftError(Code.Unauthenticated, "token parse error");
      },
      async getExecution(request) {
        if (request.id?.name === "missing") throw AloftError.notFound(`execution ${request.id.name} not found`);
        return create(ExecutionSchema, { id: request.id });
      },
      async updateExecution() {
        throw new AloftError(Code.ResourceExhausted, "too much");
      },
      async getExecutionData() {
        throw new AloftError(Code.Unimplemented, "not here");
      },
      async listExecutions(request, context) {
        return create(ExecutionListSchema, {
          token: echo(ExecutionListRequestSchema(), request),
          executions: [create(ExecutionSchema, { id: { name: context.requestId } })],
        });
      },
      async terminateExecution() {
        throw AloftError.failedPrecondition("Cannot abort an already terminated workflow execution", {
          details: [
            create(EventFailureReasonSchema, {
              reason: {
                case: "alreadyInTerminalState",
                value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase: "SUCCEEDED" }),
              },
            }),
          ],
        });
      },
      async createWorkflowEvent(request) {
        if (request.event?.phase === WorkflowExecution_Phase.SUCCEEDED) {
          throw AloftError.failedPrecondition("invalid phase change from SUCCEEDED to SUCCEEDED", {
            details: [
              create(EventFailureReasonSchema, {
                reason: {
                  case: "alreadyInTerminalState",
                  value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase: "SUCCEEDED" }),
                },
              }),
            ],
          });
        }
        return create(WorkflowExecutionEventResponseSchema);
      },
    },
    projects: {
      async registerProject(request) {
        if (request.project?.id === "slow") await slowGate.wait();
        return create(ProjectRegisterResponseSchema);
      },
      async updateProject() {
        throw AloftError.notFound("project [x] not found");
      },
      async getProject(request) {
        return create(ProjectSchema, { id: request.id, name: request.id, description: "" });
      },
      async listProjects(request) {
        return create(ProjectsSchema, { token: echo(ProjectListRequestSchema(), request) });
      },
      async getDomains() {
        return create(GetDomainsResponseSchema, { domains: [{ id: "development", name: "development" }] });
      },
    },
    namedEntities: {
      async listNamedEntities(request) {
        return create(NamedEntityListSchema, { token: echo(NamedEntityListRequestSchema(), request) });
      },
      async getNamedEntity(request) {
        return create(NamedEntitySchema, { resourceType: request.resourceType, id: request.id });
      },
      async updateNamedEntity() {
        throw new AloftError(Code.Aborted, "conflict");
      },
    },
    descriptionEntities: {
      async getDescriptionEntity(request) {
        return create(DescriptionEntitySchema, { id: request.id, shortDescription: "d" });
      },
      async listDescriptionEntities() {
        throw new AloftError(Code.DeadlineExceeded, "slow");
      },
    },
    taskExecutions: {
      async getTaskExecution(request) {
        return create(TaskExecutionSchema, { id: request.id });
      },
      async listTaskExecutions() {
        throw new AloftError(Code.OutOfRange, "out");
      },
      async getTaskExecutionData() {
        throw new AloftError(Code.Unavailable, "later");
      },
      async createTaskEvent() {
        throw new AloftError(Code.DataLoss, "lost");
      },
    },
    signals: {
      async getOrCreateSignal() {
        throw new AloftError(Code.Canceled, "canceled");
      },
      async listSignals(request) {
        return create(SignalListSchema, { token: echo(SignalListRequestSchema(), request) });
      },
      async setSignal() {
        throw new AloftError(Code.Unknown, "unknown");
      },
    },
    dataProxy: {
      async createUploadLocation() {
        throw AloftError.invalidArgument("project is required");
      },
      async createDownloadLocation(request) {
        return create(CreateDownloadLocationResponseSchema, {
          signedUrl: echo(CreateDownloadLocationRequestSchema(), request),
        });
      },
      async createDownloadLink() {
        throw AloftError.notFound("no deck");
      },
      async getData() {
        throw AloftError.invalidArgument("bad flyte url");
      },
    },
    identity: {
      async userInfo(_request, context) {
        return create(UserInfoResponseSchema, {
          subject: context.identity?.subject ?? "anonymous",
          name: "Ada",
          additionalClaims: { team_name: "ml" },
        });
      },
    },
  };
  return { managers, slowGate };
}

// Request schemas of the echo methods, by name.
const schema = (name: string) => flyteidlRegistry.getMessage(name)!;
const ExecutionListRequestSchema = () => schema("flyteidl.admin.ResourceListRequest");
const ProjectListRequestSchema = () => schema("flyteidl.admin.ProjectListRequest");
const NamedEntityListRequestSchema = () => schema("flyteidl.admin.NamedEntityListRequest");
const SignalListRequestSchema = () => schema("flyteidl.admin.SignalListRequest");
const CreateDownloadLocationRequestSchema = () => schema("flyteidl.service.CreateDownloadLocationRequest");

/** A started test server. */
export interface TestServer {
  server: AdminServer;
  url: string;
  port: number;
  fake: FakeAdmin;
  /** Log lines written so far, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Starts an admin server on 127.0.0.1, port 0, over {@link fakeManagers} (or the given managers). */
export async function startTestServer(
  options: {
    config?: AdminConfigInput;
    managers?: Partial<AdminManagers>;
    blobStore?: FsBlobStore;
  } = {},
): Promise<TestServer> {
  const fake = fakeManagers();
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") logs.push(JSON.parse(line));
      callback();
    },
  });
  const config = compileAdminConfig(
    { ...options.config, server: { host: "127.0.0.1", port: 0, ...options.config?.server } },
    { homeDir: "/nonexistent-home" },
  );
  const server = createAdminServer({
    config,
    managers: options.managers ?? fake.managers,
    logger: createAdminLogger({ level: "debug", destination }),
    metrics: new AdminMetrics({ defaultMetrics: false }),
    ...(options.blobStore === undefined ? {} : { blobStore: options.blobStore }),
  });
  const { url, port } = await server.listen();
  return { server, url, port, fake, logs, close: () => server.close() };
}
