import { Code, datetimeType, integerLiteral, integerType, stringLiteral, stringType } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  NamedEntityIdentifierListRequestSchema,
  ObjectGetRequestSchema,
  ResourceListRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  ActiveLaunchPlanListRequestSchema,
  ActiveLaunchPlanRequestSchema,
  LaunchPlanState,
  LaunchPlanUpdateRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { FixedRateUnit } from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { VariableSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { BindingDataSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createRegistrationManagers,
  failure,
  registerProject,
  testContext as ctx,
  useTempBlobStore,
} from "./registration-harness.test-helper.js";
import { launchPlanRequest, taskRequest, workflowRequest } from "./registration-requests.test-helper.js";

const blobStore = useTempBlobStore();

describeEachDialect("LaunchPlanManager", (db) => {
  async function withWorkflow(project = "admintests") {
    const m = createRegistrationManagers(db(), blobStore());
    await registerProject(m, project);
    await m.tasks.createTask(taskRequest({ project }), ctx);
    await m.workflows.createWorkflow(workflowRequest({ project }), ctx);
    return m;
  }

  const update = (version: string, state: LaunchPlanState, name = "launch_plan") =>
    create(LaunchPlanUpdateRequestSchema, {
      // The RPC layer defaults the resource type, as flyteadmin's does for flytectl's bare identifiers.
      id: { resourceType: ResourceType.LAUNCH_PLAN, project: "admintests", domain: "development", name, version },
      state,
    });

  const stateOf = async (m: Awaited<ReturnType<typeof withWorkflow>>, version: string, name = "launch_plan") =>
    (
      await m.launchPlans.getLaunchPlan(
        create(ObjectGetRequestSchema, {
          id: { resourceType: ResourceType.LAUNCH_PLAN, project: "admintests", domain: "development", name, version },
        }),
        ctx,
      )
    ).closure?.state;

  describe("createLaunchPlan", () => {
    it("registers an INACTIVE launch plan with its expected inputs and outputs (TestCreateLaunchPlan)", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(launchPlanRequest(), ctx);
      const lp = await m.launchPlans.getLaunchPlan(create(ObjectGetRequestSchema, { id: launchPlanRequest().id }), ctx);
      expect(lp.id).toEqual(launchPlanRequest().id);
      expect(lp.closure?.state).toBe(LaunchPlanState.INACTIVE);
      expect(Object.keys(lp.closure?.expectedInputs?.parameters ?? {})).toEqual(["foo"]);
      expect(lp.closure?.expectedInputs?.parameters["foo"]?.behavior.case).toBe("default");
      expect(Object.keys(lp.closure?.expectedOutputs?.variables ?? {})).toEqual(["bar"]);
      expect(lp.spec?.defaultInputs).toEqual(lp.closure?.expectedInputs);
    });

    it("adds a required parameter for each workflow input neither defaulted nor fixed", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, { defaultInputs: { parameters: {} } }), ctx);
      const lp = await m.launchPlans.getLaunchPlan(create(ObjectGetRequestSchema, { id: launchPlanRequest().id }), ctx);
      expect(lp.closure?.expectedInputs?.parameters["foo"]?.behavior).toEqual({ case: "required", value: true });
      await m.launchPlans.createLaunchPlan(
        launchPlanRequest(
          { name: "fixed" },
          {},
          { defaultInputs: { parameters: {} }, fixedInputs: { literals: { foo: stringLiteral("x") } } },
        ),
        ctx,
      );
      const fixed = await m.launchPlans.getLaunchPlan(
        create(ObjectGetRequestSchema, { id: launchPlanRequest({ name: "fixed" }).id }),
        ctx,
      );
      expect(fixed.closure?.expectedInputs?.parameters).toEqual({});
    });

    it("answers ALREADY_EXISTS for an identical launch plan and INVALID_ARGUMENT with a diff for a changed one", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(launchPlanRequest(), ctx);
      const same = await failure(() => m.launchPlans.createLaunchPlan(launchPlanRequest(), ctx));
      expect(same.code).toBe(Code.AlreadyExists);
      expect(same.rawMessage).toBe("launch plan with identical structure already exists");
      const changed = launchPlanRequest({}, {}, { maxParallelism: 5 });
      const different = await failure(() => m.launchPlans.createLaunchPlan(changed, ctx));
      expect(different.code).toBe(Code.InvalidArgument);
      expect(different.rawMessage).toBe(
        "launch_plan launch plan with different structure already exists. (Please register a new version of the launch plan):\n/max_parallelism:\n\t- <nil> \n\t+ 5",
      );
    });

    it("requires the workflow to exist", async () => {
      const m = await withWorkflow();
      const error = await failure(() => m.launchPlans.createLaunchPlan(launchPlanRequest({}, { version: "9" }), ctx));
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(
        'missing entity of type WORKFLOW with identifier project:"admintests" domain:"development" name:"workflow" version:"9"',
      );
      const noSpec = launchPlanRequest();
      noSpec.spec = undefined;
      expect((await failure(() => m.launchPlans.createLaunchPlan(noSpec, ctx))).rawMessage).toBe("missing id");
    });

    it("checks inputs against the workflow interface with flyteadmin's messages", async () => {
      const m = await withWorkflow();
      const cases: [Parameters<typeof launchPlanRequest>[2], string][] = [
        [
          {
            defaultInputs: {
              parameters: { other: { var: { type: stringType() }, behavior: { case: "required", value: true } } },
            },
          },
          "unexpected default_input other",
        ],
        [
          {
            defaultInputs: {
              parameters: { foo: { var: { type: integerType() }, behavior: { case: "required", value: true } } },
            },
          },
          "invalid default_input wrong type foo, expected integer, got string instead",
        ],
        [{ fixedInputs: { literals: { other: stringLiteral("x") } } }, "unexpected fixed_input other"],
        [
          { fixedInputs: { literals: { foo: integerLiteral(1) } } },
          "invalid fixed_input wrong type foo, expected string, got integer instead",
        ],
        [{ labels: { values: { foo: "#bar" } } }, "invalid label value [#bar]: "],
        [
          {
            entityMetadata: {
              notifications: [{ phases: [2], type: { case: "email", value: { recipientsEmail: ["a@b.c"] } } }],
            },
          },
          "invalid value for phase",
        ],
        [
          { entityMetadata: { launchConditions: { typeUrl: "type.googleapis.com/x.Y" } } },
          "Launch condition must be empty, found type.googleapis.com/x.Y",
        ],
      ];
      for (const [spec, message] of cases) {
        const error = await failure(() => m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, spec), ctx));
        expect(error.code).toBe(Code.InvalidArgument);
        expect(error.rawMessage.startsWith(message)).toBe(true);
      }
    });

    it("checks schedules: free required inputs, the kickoff argument and the cron expression", async () => {
      const m = await withWorkflow();
      const cron = (schedule: string, kickoffTimeInputArg = "") => ({
        defaultInputs: { parameters: {} },
        entityMetadata: {
          schedule: { kickoffTimeInputArg, ScheduleExpression: { case: "cronSchedule" as const, value: { schedule } } },
        },
      });
      const required = await failure(() =>
        m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, cron("@hourly")), ctx),
      );
      expect(required.rawMessage).toBe(
        "Cannot create a launch plan with a schedule if there is an unbound required input. [foo] is required",
      );
      const kickoff = await failure(() =>
        m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, cron("@hourly", "foo")), ctx),
      );
      expect(kickoff.rawMessage).toBe("KickoffTimeInputArg must reference a datetime input. [foo] is a [string]");
      const withDefault = (schedule: string) => ({
        ...cron(schedule),
        defaultInputs: launchPlanRequest().spec!.defaultInputs!,
      });
      const fields = await failure(() =>
        m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, withDefault("* * * *")), ctx),
      );
      expect(fields.rawMessage).toBe("Invalid cron expression: expected exactly 5 fields, found 4: [* * * *]");
      const range = await failure(() =>
        m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, withDefault("60 * * * *")), ctx),
      );
      expect(range.rawMessage).toBe("Invalid cron expression: end of range (60) above maximum (59): 60");
      const dow = await failure(() =>
        m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, withDefault("0 0 * * 7")), ctx),
      );
      expect(dow.rawMessage).toBe("Invalid cron expression: end of range (7) above maximum (6): 7");
      const descriptor = await failure(() =>
        m.launchPlans.createLaunchPlan(launchPlanRequest({}, {}, withDefault("@often")), ctx),
      );
      expect(descriptor.rawMessage).toBe("Invalid cron expression: unrecognized descriptor: @often");
      for (const [version, expression] of [
        ["1", "*/5 * * * *"],
        ["2", "0 9 * * MON-FRI"],
        ["3", "5/15 0 1 jan *"],
        ["4", "@every 1h30m"],
        ["5", "TZ=America/New_York 0 0 * * ?"],
      ] as const) {
        await m.launchPlans.createLaunchPlan(
          launchPlanRequest({ version }, { version: "123" }, withDefault(expression)),
          ctx,
        );
      }
    });

    it("accepts a schedule whose kickoff argument is a free datetime input (the Flyte cron fixture's shape)", async () => {
      const m = await withWorkflow();
      const task = taskRequest({ name: "dated" });
      task.spec!.template!.interface!.inputs!.variables = { kickoff: create(VariableSchema, { type: datetimeType() }) };
      await m.tasks.createTask(task, ctx);
      const workflow = workflowRequest({ name: "dated" }, { name: "dated" });
      workflow.spec!.template!.interface!.inputs!.variables = task.spec!.template!.interface!.inputs!.variables;
      workflow.spec!.template!.nodes[0]!.inputs[0]!.var = "kickoff";
      workflow.spec!.template!.nodes[0]!.inputs[0]!.binding = create(BindingDataSchema, {
        value: { case: "promise", value: { nodeId: "start-node", var: "kickoff" } },
      });
      await m.workflows.createWorkflow(workflow, ctx);
      await m.launchPlans.createLaunchPlan(
        launchPlanRequest(
          { name: "scheduled" },
          { name: "dated" },
          {
            defaultInputs: { parameters: {} },
            entityMetadata: {
              schedule: {
                kickoffTimeInputArg: "kickoff",
                ScheduleExpression: { case: "rate", value: { value: 10, unit: FixedRateUnit.MINUTE } },
              },
            },
          },
        ),
        ctx,
      );
      const row = await db().repos.launchPlans.get({
        project: "admintests",
        domain: "development",
        name: "scheduled",
        version: "123",
      });
      expect(row.schedule_type).toBe("RATE");
      expect(row.launch_condition_type).toBe("SCHED");
    });
  });

  describe("activation", () => {
    it("activates idempotently and deactivates (TestEnableDisableLaunchPlan)", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(launchPlanRequest(), ctx);
      await m.launchPlans.updateLaunchPlan(update("123", LaunchPlanState.ACTIVE), ctx);
      expect(await stateOf(m, "123")).toBe(LaunchPlanState.ACTIVE);
      await m.launchPlans.updateLaunchPlan(update("123", LaunchPlanState.ACTIVE), ctx);
      expect(await stateOf(m, "123")).toBe(LaunchPlanState.ACTIVE);
      await m.launchPlans.updateLaunchPlan(update("123", LaunchPlanState.INACTIVE), ctx);
      expect(await stateOf(m, "123")).toBe(LaunchPlanState.INACTIVE);
    });

    it("deactivates the previously active version (TestUpdateActiveLaunchPlanVersion)", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(launchPlanRequest(), ctx);
      await m.launchPlans.createLaunchPlan(launchPlanRequest({ version: "456" }, { version: "123" }), ctx);
      await m.launchPlans.updateLaunchPlan(update("123", LaunchPlanState.ACTIVE), ctx);
      await m.launchPlans.updateLaunchPlan(update("456", LaunchPlanState.ACTIVE), ctx);
      expect(await stateOf(m, "456")).toBe(LaunchPlanState.ACTIVE);
      expect(await stateOf(m, "123")).toBe(LaunchPlanState.INACTIVE);
      const active = await m.launchPlans.getActiveLaunchPlan(
        create(ActiveLaunchPlanRequestSchema, {
          id: { project: "admintests", domain: "development", name: "launch_plan" },
        }),
        ctx,
      );
      expect(active.id?.version).toBe("456");
      const activeList = await m.launchPlans.listActiveLaunchPlans(
        create(ActiveLaunchPlanListRequestSchema, { project: "admintests", domain: "development", limit: 10 }),
        ctx,
      );
      expect(activeList.launchPlans.map((lp) => lp.id?.version)).toEqual(["456"]);
    });

    it("moves the schedule with the active version", async () => {
      const m = await withWorkflow();
      const scheduled = (version: string, schedule: string) =>
        launchPlanRequest(
          { version },
          { version: "123" },
          {
            entityMetadata: {
              schedule: { ScheduleExpression: { case: "cronSchedule", value: { schedule } } },
            },
          },
        );
      await m.launchPlans.createLaunchPlan(scheduled("1", "@hourly"), ctx);
      await m.launchPlans.createLaunchPlan(scheduled("2", "*/10 * * * *"), ctx);
      await m.launchPlans.updateLaunchPlan(update("1", LaunchPlanState.ACTIVE), ctx);
      await m.launchPlans.updateLaunchPlan(update("2", LaunchPlanState.ACTIVE), ctx);
      const rows = await db().repos.schedulableEntities.listAll();
      expect(rows.map((r) => [r.version, r.cron_expression, r.active])).toEqual([
        ["1", "@hourly", false],
        ["2", "*/10 * * * *", true],
      ]);
      await m.launchPlans.updateLaunchPlan(update("2", LaunchPlanState.INACTIVE), ctx);
      expect((await db().repos.schedulableEntities.listAll()).map((r) => r.active)).toEqual([false, false]);
    });

    it("refuses to schedule the deprecated cron_expression, as flyteadmin's native scheduler does", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(
        launchPlanRequest(
          {},
          {},
          {
            entityMetadata: { schedule: { ScheduleExpression: { case: "cronExpression", value: "0 * * * *" } } },
          },
        ),
        ctx,
      );
      const error = await failure(() => m.launchPlans.updateLaunchPlan(update("123", LaunchPlanState.ACTIVE), ctx));
      expect(error.code).toBe(Code.Internal);
      expect(error.rawMessage).toBe("failed adding schedule for unknown schedule expression type cronExpression");
      expect(await stateOf(m, "123")).toBe(LaunchPlanState.INACTIVE);
    });

    it("reports unknown states, missing versions and missing active versions", async () => {
      const m = await withWorkflow();
      const state = await failure(() => m.launchPlans.updateLaunchPlan(update("123", 7 as LaunchPlanState), ctx));
      expect(state.code).toBe(Code.InvalidArgument);
      expect(state.rawMessage).toMatch(/^Unrecognized launch plan state 7 for update for launch plan \[.*\]$/);
      const missing = await failure(() => m.launchPlans.updateLaunchPlan(update("9", LaunchPlanState.ACTIVE), ctx));
      expect(missing.code).toBe(Code.NotFound);
      const none = await failure(() =>
        m.launchPlans.getActiveLaunchPlan(
          create(ActiveLaunchPlanRequestSchema, { id: { project: "admintests", domain: "development", name: "x" } }),
          ctx,
        ),
      );
      expect(none.code).toBe(Code.NotFound);
      expect(none.rawMessage).toBe("No active launch plan could be found: admintests:development:x");
    });
  });

  describe("lists", () => {
    it("lists with and without a name, filters through the workflow join, and pages (TestListLaunchPlans)", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(launchPlanRequest({ name: "a" }), ctx);
      await m.launchPlans.createLaunchPlan(launchPlanRequest({ name: "b" }), ctx);
      const list = (filters = "", name = "", limit = 10, token = "") =>
        m.launchPlans.listLaunchPlans(
          create(ResourceListRequestSchema, {
            id: { project: "admintests", domain: "development", name },
            filters,
            limit,
            token,
          }),
          ctx,
        );
      expect((await list()).launchPlans).toHaveLength(2);
      expect((await list("", "b")).launchPlans.map((lp) => lp.id?.name)).toEqual(["b"]);
      expect((await list("eq(workflow.name,i-don't-exist)")).launchPlans).toHaveLength(0);
      expect((await list("eq(workflow.name,workflow)")).launchPlans).toHaveLength(2);
      const page = await list("", "", 1);
      expect(page.token).toBe("1");
      expect((await list("", "", 1, "1")).launchPlans).toHaveLength(1);
      expect((await list("", "", 1, "2")).launchPlans).toHaveLength(0);
      for (const direction of [0, 1]) {
        const ids = await m.launchPlans.listLaunchPlanIds(
          create(NamedEntityIdentifierListRequestSchema, {
            project: "admintests",
            domain: "development",
            limit: 10,
            sortBy: { key: "name", direction },
          }),
          ctx,
        );
        expect(ids.entities.map((e) => e.name)).toEqual(direction === 1 ? ["a", "b"] : ["b", "a"]);
      }
      const zero = await failure(() =>
        m.launchPlans.listLaunchPlanIds(
          create(NamedEntityIdentifierListRequestSchema, { project: "admintests", domain: "development" }),
          ctx,
        ),
      );
      expect(zero.rawMessage).toBe("invalid value for limit");
    });

    it("filters on schedule type and state (TestListLaunchPlansFilterOnSchedule)", async () => {
      const m = await withWorkflow();
      await m.launchPlans.createLaunchPlan(launchPlanRequest({ name: "none" }), ctx);
      await m.launchPlans.createLaunchPlan(
        launchPlanRequest(
          { name: "cron" },
          {},
          {
            entityMetadata: {
              schedule: { ScheduleExpression: { case: "cronSchedule", value: { schedule: "@daily" } } },
            },
          },
        ),
        ctx,
      );
      await m.launchPlans.createLaunchPlan(
        launchPlanRequest(
          { name: "rate" },
          {},
          {
            entityMetadata: {
              schedule: { ScheduleExpression: { case: "rate", value: { value: 1, unit: FixedRateUnit.HOUR } } },
            },
          },
        ),
        ctx,
      );
      await m.launchPlans.updateLaunchPlan(update("123", LaunchPlanState.ACTIVE, "cron"), ctx);
      const names = async (filters: string) =>
        (
          await m.launchPlans.listLaunchPlans(
            create(ResourceListRequestSchema, {
              id: { project: "admintests", domain: "development" },
              filters,
              limit: 10,
            }),
            ctx,
          )
        ).launchPlans
          .map((lp) => lp.id?.name)
          .sort();
      expect(await names("eq(schedule_type,NONE)")).toEqual(["none"]);
      expect(await names("eq(schedule_type,CRON)")).toEqual(["cron"]);
      expect(await names("eq(schedule_type,RATE)")).toEqual(["rate"]);
      expect(await names("eq(schedule_type,CRON)+eq(state,1)")).toEqual(["cron"]);
      expect(await names("ne(state,1)")).toEqual(["none", "rate"]);
    });

    it("validates get requests", async () => {
      const m = await withWorkflow();
      const error = await failure(() =>
        m.launchPlans.getLaunchPlan(
          create(ObjectGetRequestSchema, { id: { ...launchPlanRequest().id!, resourceType: ResourceType.TASK } }),
          ctx,
        ),
      );
      expect(error.rawMessage).toMatch(
        /^unexpected resource type task for identifier \[.*\], expected launch_plan instead$/,
      );
    });
  });
});
