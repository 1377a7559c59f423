import { stat } from "node:fs/promises";
import { join } from "node:path";
import { createQueuedWorkflowExecutor, createQueueNotifier, type WorkflowExecutor } from "@aloft/db";
import { AloftError, Code, integerLiteral, literalMap, stringLiteral } from "@aloft/idl";
import { readProto } from "@aloft/storage";
import { create, fromBinary } from "@bufbuild/protobuf";
import { NamedEntityState } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  ExecutionClosureSchema,
  ExecutionSpecSchema,
  ExecutionState,
  WorkflowExecutionGetRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ConcurrencyLimitBehavior } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { ProjectAttributesUpdateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/project_attributes_pb";
import { ProjectDomainAttributesUpdateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/project_domain_attributes_pb";
import { InactiveProjectSchema, ProjectRegisterRequestSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { Resources_ResourceName } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { TEST_POSTGRES_URL } from "@aloft/test-helpers";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { LaunchPlanSpecSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { describeEachDialect } from "../../repositories/test-databases.test-helper.js";
import {
  createExecutionHarness,
  executionRequest,
  failure,
  launchPlanRequest,
  queuedExecutions,
  seedLaunchPlan,
  taskRequest,
  testContext as ctx,
  useSigningBlobStore,
  workflowEvent,
  workflowRequest,
  WorkflowExecution_Phase,
} from "./execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };

/** Whether exec1's two input files are one file (a hard link). */
async function inodesOf(a: string, b: string): Promise<{ same: boolean }> {
  const dir = join(blobStore().root, "bucket", "metadata", "admintests", "development", "exec1");
  const [first, second] = await Promise.all([stat(join(dir, a)), stat(join(dir, b))]);
  return { same: first.ino === second.ino };
}

function refusingExecutor(error: unknown): WorkflowExecutor {
  return {
    id: "refusing",
    async execute() {
      throw error;
    },
    async abort() {},
  };
}

describeEachDialect("CreateExecution", (db) => {
  const harness = (options = {}) => createExecutionHarness(db(), blobStore(), options);

  describe("launch plan executions", () => {
    it("records the execution, offloads resolved and user inputs, and queues it for the engine", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const response = await h.executions.createExecution(
        executionRequest({ inputs: literalMap({ foo: stringLiteral("bar") }) }),
        ctx,
      );
      expect(response.id).toMatchObject(execKey);

      const row = await db().repos.executions.get(execKey);
      expect(row).toMatchObject({
        phase: "UNDEFINED",
        task_id: 0,
        launch_entity: "launch_plan",
        inputs_uri: "s3://bucket/metadata/admintests/development/exec1/inputs",
        user_inputs_uri: "s3://bucket/metadata/admintests/development/exec1/user_inputs",
        state: 0,
        mode: 0,
        user: "",
      });
      const lpRow = await db().repos.launchPlans.get({ ...execKey, name: "launch_plan", version: "123" });
      expect(row.launch_plan_id).toBe(lpRow.id);
      expect(row.workflow_id).toBe(lpRow.workflow_id);
      const inputs = await readProto(blobStore(), row.inputs_uri, LiteralMapSchema);
      expect(inputs.literals.foo).toEqual(stringLiteral("bar"));
      const userInputs = await readProto(blobStore(), row.user_inputs_uri, LiteralMapSchema);
      expect(Object.keys(userInputs.literals)).toEqual(["foo"]);
      // The same bytes: one file under both names.
      expect(await inodesOf("inputs", "user_inputs")).toEqual({ same: true });

      const execution = await h.executions.getExecution(
        create(WorkflowExecutionGetRequestSchema, { id: execKey }),
        ctx,
      );
      expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.UNDEFINED);
      expect(execution.closure?.workflowId).toMatchObject({ name: "workflow", version: "123" });
      expect(execution.closure?.stateChangeDetails?.state).toBe(ExecutionState.EXECUTION_ACTIVE);
      expect(execution.spec?.metadata?.systemMetadata?.namespace).toBe("admintests-development");
      expect(execution.spec?.maxParallelism).toBe(25);

      const [queued, ...rest] = await queuedExecutions(db());
      expect(rest).toEqual([]);
      expect(queued).toMatchObject({
        namespace: "admintests-development",
        referenceWorkflowName: "workflow",
        referenceLaunchPlanName: "launch_plan",
        inputsUri: row.inputs_uri,
        eventVersion: 2,
      });
      expect(queued?.executionId).toMatchObject(execKey);
      expect(queued?.inputs?.literals.foo).toEqual(stringLiteral("bar"));
      expect(queued?.workflowClosureUri).toMatch(
        /^s3:\/\/bucket\/metadata\/admin\/admintests\/development\/workflow\/123/,
      );
      expect(queued?.executionConfig?.maxParallelism).toBe(25);
      const task = queued?.workflowClosure?.tasks[0]?.template?.target;
      expect(task?.case === "container" ? task.value.resources : undefined).toMatchObject({
        requests: [
          { name: Resources_ResourceName.CPU, value: "2" },
          { name: Resources_ResourceName.MEMORY, value: "200Mi" },
        ],
        limits: [
          { name: Resources_ResourceName.CPU, value: "2" },
          { name: Resources_ResourceName.MEMORY, value: "200Mi" },
        ],
      });
    });

    it("takes the launch plan default for an input the request leaves out", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      await h.executions.createExecution(executionRequest(), ctx);
      const row = await db().repos.executions.get(execKey);
      const inputs = await readProto(blobStore(), row.inputs_uri, LiteralMapSchema);
      expect(inputs.literals.foo).toEqual(stringLiteral("foo-value"));
      const userInputs = await readProto(blobStore(), row.user_inputs_uri, LiteralMapSchema);
      expect(userInputs.literals).toEqual({});
      expect(await inodesOf("inputs", "user_inputs")).toEqual({ same: false });
    });

    it("falls back to the deprecated spec.inputs when the request has no inputs", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const request = executionRequest();
      request.spec!.inputs = literalMap({ foo: stringLiteral("old-client") });
      await h.executions.createExecution(request, ctx);
      const row = await db().repos.executions.get(execKey);
      const inputs = await readProto(blobStore(), row.inputs_uri, LiteralMapSchema);
      expect(inputs.literals.foo).toEqual(stringLiteral("old-client"));
    });

    it("generates an `a` + 19 character name when the request has none", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const { id } = await h.executions.createExecution(executionRequest({ name: "" }), ctx);
      expect(id?.name).toMatch(/^a[bcdfghjklmnpqrstvwxz2456789]{19}$/);
    });

    it("rejects an input the launch plan does not expect, and one of the wrong type", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const unknown = await failure(() =>
        h.executions.createExecution(executionRequest({ inputs: literalMap({ nope: stringLiteral("x") }) }), ctx),
      );
      expect([unknown.code, unknown.rawMessage]).toEqual([Code.InvalidArgument, "invalid input nope"]);
      const wrongType = await failure(() =>
        h.executions.createExecution(executionRequest({ inputs: literalMap({ foo: integerLiteral(1) }) }), ctx),
      );
      expect([wrongType.code, wrongType.rawMessage]).toEqual([
        Code.InvalidArgument,
        "invalid foo input wrong type. Expected string, but got integer",
      ]);
      expect(await db().repos.executions.find(execKey)).toBeUndefined();
    });

    it("rejects a launch without a required input", async () => {
      const h = harness();
      await seedLaunchPlan(h, { defaultInputs: {} });
      const error = await failure(() => h.executions.createExecution(executionRequest(), ctx));
      expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, "expected_inputs foo missing"]);
    });

    it("rejects names that cannot be Kubernetes object names", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const bad = await failure(() => h.executions.createExecution(executionRequest({ name: "1abc" }), ctx));
      expect(bad.rawMessage).toBe("invalid name format: 1abc, does not match regex '^[a-z][a-z\\-0-9]*$'");
      const long = await failure(() => h.executions.createExecution(executionRequest({ name: "a".repeat(64) }), ctx));
      expect(long.rawMessage).toBe(`size of name exceeded length 63 : ${"a".repeat(64)}`);
    });

    it("answers ALREADY_EXISTS for a taken name and queues nothing more", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      await h.executions.createExecution(executionRequest(), ctx);
      const error = await failure(() => h.executions.createExecution(executionRequest(), ctx));
      expect(error.code).toBe(Code.AlreadyExists);
      expect(await queuedExecutions(db())).toHaveLength(1);
    });

    it("writes concurrent launches together, and one launch's error stays its own", async () => {
      const groups: number[] = [];
      const queue = createQueuedWorkflowExecutor({ db: db().repos.executor, capabilities: db().repos.capabilities });
      const counting: WorkflowExecutor = {
        id: "counting",
        execute(request, options) {
          groups.push(1);
          return queue.execute(request, options);
        },
        executeMany(requests, options) {
          groups.push(requests.length);
          return queue.executeMany!(requests, options);
        },
        abort: (request, options) => queue.abort(request, options),
      };
      const h = harness({ executor: counting });
      await seedLaunchPlan(h);
      await h.executions.createExecution(executionRequest({ name: "taken" }), ctx);
      groups.length = 0;
      const names = ["c0", "c1", "taken", "c2", "c3", "c4", "c5"];
      const outcomes = await Promise.allSettled(
        names.map((name) => {
          const request = executionRequest({ name });
          request.spec!.labels = { $typeName: "flyteidl.admin.Labels", values: { which: name } };
          return h.executions.createExecution(request, ctx);
        }),
      );
      expect(outcomes.map((o) => o.status)).toEqual([
        "fulfilled",
        "fulfilled",
        "rejected",
        "fulfilled",
        "fulfilled",
        "fulfilled",
        "fulfilled",
      ]);
      expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: Code.AlreadyExists });
      // On PostgreSQL launches overlap and at least one group of several was tried (holding the taken name, it rolled
      // back and each was written on its own); SQLite's one connection serializes the launches' reads and writes.
      if (db().dialect === "postgres") expect(Math.max(...groups)).toBeGreaterThan(1);
      const queued = (await queuedExecutions(db())).map((request) => request.executionId?.name).sort();
      expect(queued).toEqual(["c0", "c1", "c2", "c3", "c4", "c5", "taken"]);
      for (const name of ["c0", "c5"]) {
        expect(await db().repos.executions.listTags({ ...execKey, name })).toEqual([{ key: "which", value: name }]);
      }
    });

    it("on PostgreSQL records launches, their hand-off and its NOTIFY in one statement, all or nothing", async () => {
      if (db().dialect !== "postgres") return;
      const notifier = await createQueueNotifier(db().database);
      try {
        const executor = createQueuedWorkflowExecutor({
          db: db().repos.executor,
          capabilities: db().repos.capabilities,
          announce: notifier.announce,
        });
        expect(executor.postgresQueueHandOff).toBeDefined();
        const h = harness({ executor });
        await seedLaunchPlan(h);
        const before = notifier.generation();
        const woken = notifier.wait({ after: before });
        await h.executions.createExecution(executionRequest({ name: "solo" }), ctx);
        await woken;
        const names = ["g0", "g1", "solo", "g2"];
        const outcomes = await Promise.allSettled(
          names.map((name) => {
            const request = executionRequest({ name });
            request.spec!.tags = [name];
            return h.executions.createExecution(request, ctx);
          }),
        );
        expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
        expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: Code.AlreadyExists });
        const queued = (await queuedExecutions(db())).map((request) => request.executionId?.name).sort();
        expect(queued).toEqual(["g0", "g1", "g2", "solo"]);
        expect(await db().repos.executions.listTags({ ...execKey, name: "g2" })).toEqual([{ key: "g2", value: "" }]);
        expect(await db().repos.executions.listTags({ ...execKey, name: "solo" })).toEqual([]);
      } finally {
        await notifier.close();
      }
    });

    it("on PostgreSQL sends each new execution's notice in the launch's own statement or transaction, on every path", async () => {
      if (db().dialect !== "postgres") return;
      const channel = `aloft_test_creations_${Math.random().toString(36).slice(2, 10)}`;
      const listener = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await listener.connect();
      const heard: string[] = [];
      listener.on("notification", (message) => heard.push(message.payload ?? ""));
      await listener.query(`LISTEN "${channel}"`);
      /** What was heard up to now: a marker sent last comes after every notice committed before it. */
      const heardSoFar = async (): Promise<string[]> => {
        const marker = `marker-${heard.length}-${Math.random()}`;
        const arrived = new Promise<void>((resolve) => {
          const onMessage = (message: pg.Notification) => {
            if (message.payload !== marker) return;
            listener.off("notification", onMessage);
            resolve();
          };
          listener.on("notification", onMessage);
        });
        await listener.query(`SELECT pg_notify($1, $2)`, [channel, marker]);
        await arrived;
        return heard.filter((payload) => !payload.startsWith("marker-")).sort();
      };
      const creationNotice = (id: { name: string }) => ({ channel, payload: `created ${id.name}` });
      const notifier = await createQueueNotifier(db().database);
      try {
        const queue = createQueuedWorkflowExecutor({
          db: db().repos.executor,
          capabilities: db().repos.capabilities,
          announce: notifier.announce,
        });
        // The queue's one-statement write: alone, in a group, and a taken name that fails (and announces nothing).
        const h = harness({ executor: queue, creationNotice });
        await seedLaunchPlan(h);
        await h.executions.createExecution(executionRequest({ name: "solo" }), ctx);
        const grouped = await Promise.allSettled(
          ["g0", "solo", "g1"].map((name) => h.executions.createExecution(executionRequest({ name }), ctx)),
        );
        expect(grouped.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
        expect(await heardSoFar()).toEqual(["created g0", "created g1", "created solo"]);

        // An executor without the one-statement hand-off: the launch's transaction carries the notice.
        heard.length = 0;
        const inTransaction: WorkflowExecutor = {
          id: "in-transaction",
          execute: (request, options) => queue.execute(request, options),
          abort: (request, options) => queue.abort(request, options),
        };
        const t = harness({ executor: inTransaction, creationNotice });
        await Promise.all(["t0", "t1"].map((name) => t.executions.createExecution(executionRequest({ name }), ctx)));
        // A refused launch is recorded FAILED, and announced with it.
        const r = harness({ executor: refusingExecutor(AloftError.invalidArgument("no cluster")), creationNotice });
        await r.executions.createExecution(executionRequest({ name: "refused" }), ctx);
        expect(await heardSoFar()).toEqual(["created refused", "created t0", "created t1"]);
      } finally {
        await notifier.close();
        await listener.end();
      }
    });

    it("requires a registered, active project", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const missing = await failure(() => h.executions.createExecution(executionRequest({ project: "nope" }), ctx));
      expect([missing.code, missing.rawMessage]).toEqual([
        Code.InvalidArgument,
        "failed to validate that project [nope] and domain [development] are registered, err: [project [nope] not found]",
      ]);
      await h.registration.projects.registerProject(
        create(ProjectRegisterRequestSchema, { project: { id: "old", name: "old", state: 1 } }),
        ctx,
      );
      const archived = await failure(() => h.executions.createExecution(executionRequest({ project: "old" }), ctx));
      expect([archived.code, archived.rawMessage]).toEqual([Code.InvalidArgument, "project [old] is not active"]);
      expect(archived.details).toEqual([create(InactiveProjectSchema, { id: "old" })]);
    });

    it("answers NOT_FOUND for a launch plan that does not exist", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const request = executionRequest();
      request.spec!.launchPlan!.version = "999";
      const error = await failure(() => h.executions.createExecution(request, ctx));
      expect(error.code).toBe(Code.NotFound);
    });

    it("records a launch the engine refuses as FAILED and still returns its id", async () => {
      const h = harness({ executor: refusingExecutor(AloftError.invalidArgument("no cluster can run this")) });
      await seedLaunchPlan(h);
      const { id } = await h.executions.createExecution(executionRequest(), ctx);
      expect(id).toMatchObject(execKey);
      const row = await db().repos.executions.get(execKey);
      expect(row).toMatchObject({ phase: "FAILED", error_kind: "USER", error_code: "InvalidArgument" });
      const closure = fromBinary(ExecutionClosureSchema, row.closure);
      expect(closure.outputResult).toMatchObject({
        case: "error",
        value: { code: "InvalidArgument", message: "no cluster can run this", kind: ExecutionError_ErrorKind.USER },
      });
    });

    it("rolls the queued hand-off back when the execution row cannot be written", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      await h.executions.createExecution(executionRequest(), ctx);
      await failure(() => h.executions.createExecution(executionRequest(), ctx));
      const queue = await db().repos.executionQueue.list();
      expect(queue.map((row) => row.execution_name)).toEqual(["exec1"]);
    });

    it("stores request labels and deprecated tags as execution tags", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const request = executionRequest();
      request.spec!.labels = { $typeName: "flyteidl.admin.Labels", values: { team: "ml", env: "dev" } };
      request.spec!.tags = ["nightly"];
      await h.executions.createExecution(request, ctx);
      expect(await db().repos.executions.listTags(execKey)).toEqual([
        { key: "env", value: "dev" },
        { key: "nightly", value: "" },
        { key: "team", value: "ml" },
      ]);
    });

    it("freezes the launch plan's notifications unless the request overrides or disables them", async () => {
      const h = harness();
      const notification = {
        phases: [WorkflowExecution_Phase.FAILED],
        type: { case: "email" as const, value: { recipientsEmail: ["a@b.c"] } },
      };
      await seedLaunchPlan(h, { entityMetadata: { notifications: [notification] } });
      await h.executions.createExecution(executionRequest(), ctx);
      const disabled = executionRequest({ name: "exec2" });
      disabled.spec!.notificationOverrides = { case: "disableAll", value: true };
      await h.executions.createExecution(disabled, ctx);
      const first = fromBinary(ExecutionClosureSchema, (await db().repos.executions.get(execKey)).closure);
      expect(first.notifications.map((n) => n.type.value?.recipientsEmail)).toEqual([["a@b.c"]]);
      const second = fromBinary(
        ExecutionClosureSchema,
        (await db().repos.executions.get({ ...execKey, name: "exec2" })).closure,
      );
      expect(second.notifications).toEqual([]);
    });

    it("skips a launch over the launch plan's concurrency limit", async () => {
      const h = harness();
      await seedLaunchPlan(h, { concurrencyPolicy: { max: 1, behavior: ConcurrencyLimitBehavior.SKIP } });
      await h.executions.createExecution(executionRequest(), ctx);
      await h.executions.createWorkflowEvent(workflowEvent(WorkflowExecution_Phase.RUNNING), ctx);
      const error = await failure(() => h.executions.createExecution(executionRequest({ name: "exec2" }), ctx));
      expect([error.code, error.rawMessage]).toEqual([
        Code.AlreadyExists,
        "concurrency limit (1) reached for launch plan launch_plan; skipping execution",
      ]);
    });
  });

  describe("execution config", () => {
    it("merges field by field: request, launch plan, workflow/project-domain attributes, project attributes, then config", async () => {
      const h = harness({
        config: { application: { maxParallelism: 7, k8sServiceAccount: "app-sa", envs: { FROM: "app" } } },
      });
      await h.registration.projects.registerProject(
        create(ProjectRegisterRequestSchema, {
          project: { id: "admintests", name: "admintests", labels: { values: { owner: "proj", team: "proj-team" } } },
        }),
        ctx,
      );
      await h.registration.tasks.createTask(taskRequest(), ctx);
      await h.registration.workflows.createWorkflow(workflowRequest(), ctx);
      await h.registration.launchPlans.createLaunchPlan(
        launchPlanRequest({}, {}, { rawOutputDataConfig: { outputLocationPrefix: "s3://lp" } }),
        ctx,
      );
      await h.registration.attributes.updateProjectDomainAttributes(
        create(ProjectDomainAttributesUpdateRequestSchema, {
          attributes: {
            project: "admintests",
            domain: "development",
            matchingAttributes: {
              target: {
                case: "workflowExecutionConfig",
                value: {
                  securityContext: { runAs: { k8sServiceAccount: "pd-sa" } },
                  rawOutputDataConfig: { outputLocationPrefix: "s3://pd" },
                },
              },
            },
          },
        }),
        ctx,
      );
      await h.registration.attributes.updateProjectAttributes(
        create(ProjectAttributesUpdateRequestSchema, {
          attributes: {
            project: "admintests",
            matchingAttributes: {
              target: {
                case: "workflowExecutionConfig",
                value: { maxParallelism: 5, annotations: { values: { level: "project" } } },
              },
            },
          },
        }),
        ctx,
      );
      const request = executionRequest();
      request.spec!.labels = { $typeName: "flyteidl.admin.Labels", values: { team: "req" } };
      await h.executions.createExecution(request, ctx);

      const [queued] = await queuedExecutions(db());
      const config = queued?.executionConfig;
      expect(config?.maxParallelism).toBe(5);
      expect(config?.securityContext?.runAs?.k8sServiceAccount).toBe("pd-sa");
      expect(config?.rawOutputDataConfig?.outputLocationPrefix).toBe("s3://lp");
      expect(config?.labels?.values).toEqual({ team: "req" });
      expect(config?.annotations?.values).toEqual({ level: "project" });
      expect(config?.envs?.values).toEqual([expect.objectContaining({ key: "FROM", value: "app" })]);
      expect(queued?.labels).toEqual({ team: "req", owner: "proj" });
      expect(queued?.annotations).toEqual({ level: "project" });
      expect(queued?.rawOutputDataConfig?.outputLocationPrefix).toBe("s3://lp");

      const spec = fromBinary(ExecutionSpecSchema, (await db().repos.executions.get(execKey)).spec);
      expect(spec.maxParallelism).toBe(5);
      expect(spec.securityContext?.runAs?.k8sServiceAccount).toBe("pd-sa");
    });

    it("uses the legacy auth role for the security context when nothing newer sets one", async () => {
      const h = harness();
      await seedLaunchPlan(h, { authRole: { kubernetesServiceAccount: "legacy-sa" } });
      await h.executions.createExecution(executionRequest(), ctx);
      const [queued] = await queuedExecutions(db());
      expect(queued?.executionConfig?.securityContext?.runAs?.k8sServiceAccount).toBe("legacy-sa");
    });

    it("records the caller as principal and execution identity", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      await h.executions.createExecution(executionRequest(), { ...ctx, identity: { subject: "ada" } });
      const row = await db().repos.executions.get(execKey);
      expect(row.user).toBe("ada");
      const [queued] = await queuedExecutions(db());
      expect(queued?.executionConfig?.securityContext?.runAs?.executionIdentity).toBe("ada");
    });
  });

  describe("single-task executions", () => {
    const taskLaunch = (name = "exec1", inputs = literalMap({ foo: stringLiteral("x") })) =>
      executionRequest({
        name,
        inputs,
        spec: {
          launchPlan: {
            resourceType: ResourceType.TASK,
            project: "admintests",
            domain: "development",
            name: "task",
            version: "123",
          },
        },
      });

    it("creates the system-generated workflow and launch plan and records the task", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      await h.executions.createExecution(taskLaunch(), ctx);

      const systemKey = { project: "admintests", domain: "development", name: ".flytegen.task", version: "123" };
      const workflow = await db().repos.workflows.get(systemKey);
      const launchPlan = await db().repos.launchPlans.get(systemKey);
      expect(launchPlan.state).toBe(0);
      const lpSpec = fromBinary(LaunchPlanSpecSchema, launchPlan.spec);
      expect(lpSpec.workflowId?.name).toBe("task");
      expect(Object.keys(lpSpec.defaultInputs?.parameters ?? {})).toEqual(["foo"]);
      for (const resourceType of [ResourceType.WORKFLOW, ResourceType.LAUNCH_PLAN]) {
        const entity = await db().repos.namedEntities.get({
          resourceType,
          project: "admintests",
          domain: "development",
          name: ".flytegen.task",
        });
        expect(entity.state).toBe(NamedEntityState.SYSTEM_GENERATED);
      }

      const taskRow = await db().repos.tasks.get({ ...systemKey, name: "task" });
      const row = await db().repos.executions.get(execKey);
      expect(row).toMatchObject({
        task_id: taskRow.id,
        launch_plan_id: 0,
        workflow_id: workflow.id,
        launch_entity: "task",
      });
      const [queued] = await queuedExecutions(db());
      expect(queued?.referenceWorkflowName).toBe(".flytegen.task");
      expect(queued?.referenceLaunchPlanName).toBe(".flytegen.task");
      const nodes = queued?.workflowClosure?.primary?.template?.nodes.map((node) => node.id);
      expect(nodes).toContain("task");
    });

    it("reuses the generated entities on later launches and requires every task input", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      await h.executions.createExecution(taskLaunch(), ctx);
      await h.executions.createExecution(taskLaunch("exec2"), ctx);
      expect(await queuedExecutions(db())).toHaveLength(2);
      const error = await failure(() => h.executions.createExecution(taskLaunch("exec3", literalMap({})), ctx));
      expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, "expected_inputs foo missing"]);
    });

    it("fails the call when the engine refuses a single-task launch", async () => {
      const h = harness({ executor: refusingExecutor(AloftError.internal("engine down")) });
      await seedLaunchPlan(h);
      const error = await failure(() => h.executions.createExecution(taskLaunch(), ctx));
      expect([error.code, error.rawMessage]).toEqual([Code.Internal, "engine down"]);
      expect(await db().repos.executions.find(execKey)).toBeUndefined();
    });

    it("answers NOT_FOUND for a task version that does not exist", async () => {
      const h = harness();
      await seedLaunchPlan(h);
      const request = taskLaunch();
      request.spec!.launchPlan!.version = "999";
      const error = await failure(() => h.executions.createExecution(request, ctx));
      expect(error.code).toBe(Code.NotFound);
    });
  });
});
