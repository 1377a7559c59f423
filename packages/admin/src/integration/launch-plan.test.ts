/**
 * flyteadmin's `tests/launch_plan_test.go`, against a running admin over gRPC and REST (protobuf bodies).
 */
import { create, equals } from "@bufbuild/protobuf";
import { NamedEntityIdentifierListSchema, Sort_Direction } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  type LaunchPlanCreateRequest,
  LaunchPlanListSchema,
  LaunchPlanMetadataSchema,
  LaunchPlanSchema,
  LaunchPlanState,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { FixedRateUnit } from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import { type Identifier, IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  identifier,
  insertTasksForTests,
  launchPlanCreateRequest,
  oneNodeWorkflowRequest,
} from "./flyteadmin-requests.test-helper.js";
import { type AdminClient, describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";

const launchPlanIdentifier = identifier(ResourceType.LAUNCH_PLAN, "admintests", "development", "name", "version");
const workflowId = identifier(ResourceType.WORKFLOW, "admintests", "development", "name_a", "123");
const taskId = identifier(ResourceType.TASK, "admintests", "development", "name_a", "123");
const lp = (project: string, name: string, version: string) =>
  identifier(ResourceType.LAUNCH_PLAN, project, "development", name, version);

/** `getLaunchPlanCreateRequestWithCronSchedule`: the deprecated `cron_expression` form. */
function withCron(id: Identifier, cron: string): LaunchPlanCreateRequest {
  const request = launchPlanCreateRequest(id, workflowId);
  request.spec!.entityMetadata = create(LaunchPlanMetadataSchema, {
    schedule: { ScheduleExpression: { case: "cronExpression", value: cron } },
  });
  return request;
}

/** `getLaunchPlanCreateRequestWithFixedRateSchedule`. */
function withRate(id: Identifier, value: number, unit: FixedRateUnit): LaunchPlanCreateRequest {
  const request = launchPlanCreateRequest(id, workflowId);
  request.spec!.entityMetadata = create(LaunchPlanMetadataSchema, {
    schedule: { ScheduleExpression: { case: "rate", value: { value, unit } } },
  });
  return request;
}

describeIntegration("flyteadmin integration: launch plans", (admin) => {
  /** Truncates, registers the tasks and `getWorkflowCreateRequest`'s workflow. */
  async function seedWorkflow(client: AdminClient): Promise<void> {
    await admin().truncateAllTables();
    await insertTasksForTests(admin().grpc);
    await client.createWorkflow(oneNodeWorkflowRequest(workflowId, taskId));
  }

  for (const transport of TRANSPORTS) {
    it(`TestCreateLaunchPlan [${transport}]: a launch plan of a registered workflow registers`, async () => {
      const client = admin().client(transport);
      await seedWorkflow(client);
      await expect(
        client.createLaunchPlan(launchPlanCreateRequest(launchPlanIdentifier, workflowId)),
      ).resolves.toBeDefined();
    });
  }

  it("TestGetLaunchPlanHTTP: GET /api/v1/launch_plans/admintests/development/name/version answers the launch plan", async () => {
    await seedWorkflow(admin().grpc);
    await admin().grpc.createLaunchPlan(launchPlanCreateRequest(launchPlanIdentifier, workflowId));
    const launchPlan = await admin().httpGet(
      "/api/v1/launch_plans/admintests/development/name/version",
      LaunchPlanSchema,
    );
    expect(equals(IdentifierSchema, launchPlanIdentifier, launchPlan.id!)).toBe(true);
  });

  for (const transport of TRANSPORTS) {
    it(`TestEnableDisableLaunchPlan [${transport}]: activating is idempotent and deactivating makes it INACTIVE`, async () => {
      const client = admin().client(transport);
      await seedWorkflow(client);
      const request = launchPlanCreateRequest(launchPlanIdentifier, workflowId);
      await client.createLaunchPlan(request);

      await client.updateLaunchPlan({ id: launchPlanIdentifier, state: LaunchPlanState.ACTIVE });
      expect((await client.getLaunchPlan({ id: request.id })).closure?.state).toBe(LaunchPlanState.ACTIVE);

      await client.updateLaunchPlan({ id: request.id, state: LaunchPlanState.ACTIVE });
      expect((await client.getLaunchPlan({ id: request.id })).closure?.state).toBe(LaunchPlanState.ACTIVE);

      await client.updateLaunchPlan({ id: launchPlanIdentifier, state: LaunchPlanState.INACTIVE });
      expect((await client.getLaunchPlan({ id: request.id })).closure?.state).toBe(LaunchPlanState.INACTIVE);
    });

    it(`TestUpdateActiveLaunchPlanVersion [${transport}]: activating a new version deactivates the active one`, async () => {
      const client = admin().client(transport);
      await seedWorkflow(client);
      await client.createLaunchPlan(launchPlanCreateRequest(launchPlanIdentifier, workflowId));
      await client.updateLaunchPlan({ id: launchPlanIdentifier, state: LaunchPlanState.ACTIVE });

      const newIdentifier = identifier(ResourceType.LAUNCH_PLAN, "admintests", "development", "name", "new");
      await client.createLaunchPlan(launchPlanCreateRequest(newIdentifier, workflowId));
      await client.updateLaunchPlan({ id: newIdentifier, state: LaunchPlanState.ACTIVE });

      expect((await client.getLaunchPlan({ id: newIdentifier })).closure?.state).toBe(LaunchPlanState.ACTIVE);
      expect((await client.getLaunchPlan({ id: launchPlanIdentifier })).closure?.state).toBe(LaunchPlanState.INACTIVE);
    });
  }

  describe("TestListLaunchPlans", () => {
    beforeAll(async () => {
      const client = admin().grpc;
      await seedWorkflow(client);
      for (const id of [
        lp("admintests", "name1", "a"),
        lp("admintests", "name1", "b"),
        lp("admintests", "name2", "a"),
        lp("flytekit", "name1", "a"),
      ]) {
        await client.createLaunchPlan(launchPlanCreateRequest(id, workflowId));
      }
    });

    for (const transport of TRANSPORTS) {
      it(`TestListLaunchPlansGrpc [${transport} client]: 3 launch plans in the project and domain, 2 named name1`, async () => {
        const client = admin().client(transport);
        const all = await client.listLaunchPlans({ id: { project: "admintests", domain: "development" }, limit: 10 });
        expect(all.launchPlans).toHaveLength(3);
        const named = await client.listLaunchPlans({
          id: { project: "admintests", domain: "development", name: "name1" },
          limit: 10,
        });
        expect(named.launchPlans).toHaveLength(2);
      });
    }

    it("TestListLaunchPlansHTTP: the REST lists with and without a name return 3 and 2", async () => {
      const all = await admin().httpGet("/api/v1/launch_plans/admintests/development?limit=20", LaunchPlanListSchema);
      expect(all.launchPlans).toHaveLength(3);
      const named = await admin().httpGet(
        "/api/v1/launch_plans/admintests/development/name1?limit=20",
        LaunchPlanListSchema,
      );
      expect(named.launchPlans).toHaveLength(2);
    });

    for (const transport of TRANSPORTS) {
      it(`TestListLaunchPlansFiltersGrpc [${transport} client]: eq(version, b) finds 1, a join filter on an unknown workflow none`, async () => {
        const client = admin().client(transport);
        const id = { project: "admintests", domain: "development" };
        expect((await client.listLaunchPlans({ id, filters: "eq(version, b)", limit: 10 })).launchPlans).toHaveLength(
          1,
        );
        const joined = await client.listLaunchPlans({ id, filters: "eq(workflow.name, i-don't-exist)", limit: 10 });
        expect(joined.launchPlans).toHaveLength(0);
      });
    }

    it("TestListLaunchPlansFiltersHTTP: URL-encoded filters give the same counts", async () => {
      const query = (filter: string) =>
        `/api/v1/launch_plans/admintests/development?limit=20&filters=${encodeURIComponent(filter)}`;
      expect((await admin().httpGet(query("eq(version,b)"), LaunchPlanListSchema)).launchPlans).toHaveLength(1);
      expect(
        (await admin().httpGet(query("eq(workflow.name,i-don't-exist)"), LaunchPlanListSchema)).launchPlans,
      ).toHaveLength(0);
    });

    for (const transport of TRANSPORTS) {
      it(`TestListLaunchPlansPaginationGrpc [${transport} client]: limit 2 gives a token, the next page 1 item and none`, async () => {
        const client = admin().client(transport);
        const id = { project: "admintests", domain: "development" };
        const first = await client.listLaunchPlans({ id, limit: 2 });
        expect(first.launchPlans).toHaveLength(2);
        expect(first.token).not.toBe("");
        const second = await client.listLaunchPlans({ id, limit: 2, token: first.token });
        expect(second.launchPlans).toHaveLength(1);
        expect(second.token).toBe("");
      });
    }

    it("TestListLaunchPlansPaginationHTTP: the REST list pages the same way", async () => {
      const first = await admin().httpGet("/api/v1/launch_plans/admintests/development?limit=2", LaunchPlanListSchema);
      expect(first.launchPlans).toHaveLength(2);
      expect(first.token).not.toBe("");
      const second = await admin().httpGet(
        `/api/v1/launch_plans/admintests/development?limit=2&token=${first.token}`,
        LaunchPlanListSchema,
      );
      expect(second.launchPlans).toHaveLength(1);
      expect(second.token).toBe("");
    });

    for (const transport of TRANSPORTS) {
      it(`TestListLaunchPlanIdentifiersGrpc [${transport} client]: the 2 names, in opposite orders for DESC and ASC`, async () => {
        const client = admin().client(transport);
        const request = { project: "admintests", domain: "development", limit: 10 };
        const descending = await client.listLaunchPlanIds({
          ...request,
          sortBy: { direction: Sort_Direction.DESCENDING, key: "name" },
        });
        const ascending = await client.listLaunchPlanIds({
          ...request,
          sortBy: { direction: Sort_Direction.ASCENDING, key: "name" },
        });
        expect(descending.entities).toHaveLength(2);
        expect(ascending.entities).toHaveLength(2);
        expect(ascending.entities[0]!.name).toBe(descending.entities[1]!.name);
        expect(ascending.entities[1]!.name).toBe(descending.entities[0]!.name);
      });
    }

    it("TestListLaunchPlanIdentifiersHTTP: the REST id lists sort by name both ways", async () => {
      const base = "/api/v1/launch_plan_ids/admintests/development?limit=10&sort_by.key=name&sort_by.direction=";
      const ascending = await admin().httpGet(`${base}ASCENDING`, NamedEntityIdentifierListSchema);
      const descending = await admin().httpGet(`${base}DESCENDING`, NamedEntityIdentifierListSchema);
      expect(ascending.entities).toHaveLength(2);
      expect(descending.entities).toHaveLength(2);
      expect(ascending.entities[0]!.name).toBe(descending.entities[1]!.name);
      expect(ascending.entities[1]!.name).toBe(descending.entities[0]!.name);
    });
  });

  describe("TestListLaunchPlansFilterOnSchedule", () => {
    beforeAll(async () => {
      const client = admin().grpc;
      await seedWorkflow(client);
      await client.createLaunchPlan(withCron(lp("admintests", "name1", "a"), "* * * * *"));
      const rate = withRate(lp("admintests", "name1", "b"), 24, FixedRateUnit.HOUR);
      await client.createLaunchPlan(rate);
      await client.updateLaunchPlan({ id: rate.id, state: LaunchPlanState.ACTIVE });
      expect((await client.getLaunchPlan({ id: rate.id })).closure?.state).toBe(LaunchPlanState.ACTIVE);
      await client.createLaunchPlan(launchPlanCreateRequest(lp("admintests", "name2", "a"), workflowId));
      const otherProject = withRate(lp("flytekit", "name1", "a"), 20, FixedRateUnit.DAY);
      await client.createLaunchPlan(otherProject);
      await client.updateLaunchPlan({ id: otherProject.id, state: LaunchPlanState.ACTIVE });
      expect((await client.getLaunchPlan({ id: otherProject.id })).closure?.state).toBe(LaunchPlanState.ACTIVE);
    });

    const scheduleCases: [project: string, filter: string, count: number][] = [
      ["admintests", "eq(schedule_type, NONE)", 1],
      ["admintests", "eq(schedule_type, CRON)", 1],
      ["admintests", "eq(schedule_type, RATE)", 1],
      ["flytekit", "eq(schedule_type, NONE)", 0],
      ["flytekit", "eq(schedule_type, CRON)", 0],
      ["flytekit", "eq(schedule_type, RATE)", 1],
    ];
    const activeCases: [project: string, filter: string, count: number][] = [
      ["admintests", "eq(schedule_type, NONE)+ne(state, 1)", 1],
      ["admintests", "eq(schedule_type, CRON)+ne(state, 1)", 1],
      ["admintests", "eq(schedule_type, RATE)+eq(state, 1)", 1],
      ["flytekit", "eq(schedule_type, NONE)+eq(state, 1)", 0],
      ["flytekit", "eq(schedule_type, CRON)+eq(state, 1)", 0],
      ["flytekit", "eq(schedule_type, RATE)+eq(state, 1)", 1],
    ];
    const httpActiveCases: [project: string, filter: string, count: number][] = [
      ["admintests", "eq(schedule_type,NONE)+ne(state,1)", 1],
      ["admintests", "eq(schedule_type,CRON)+ne(state,1)", 1],
      ["admintests", "eq(schedule_type,RATE)+eq(state,1)", 1],
      ["flytekit", "eq(schedule_type,NONE)+ne(state,1)", 0],
      ["flytekit", "eq(schedule_type,CRON)+eq(state,1)", 0],
      ["flytekit", "eq(schedule_type,RATE)+eq(state,1)", 1],
    ];

    async function counts(transport: (typeof TRANSPORTS)[number], cases: typeof scheduleCases) {
      const got: typeof scheduleCases = [];
      for (const [project, filters] of cases) {
        const list = await admin()
          .client(transport)
          .listLaunchPlans({ id: { project, domain: "development" }, filters, limit: 10 });
        got.push([project, filters, list.launchPlans.length]);
      }
      return got;
    }

    async function httpCounts(cases: typeof scheduleCases) {
      const got: typeof scheduleCases = [];
      for (const [project, filter] of cases) {
        const list = await admin().httpGet(
          `/api/v1/launch_plans/${project}/development?limit=20&filters=${encodeURIComponent(filter)}`,
          LaunchPlanListSchema,
        );
        got.push([project, filter, list.launchPlans.length]);
      }
      return got;
    }

    for (const transport of TRANSPORTS) {
      it(`TestListLaunchPlanFilterOnScheduleGrpc [${transport} client]: schedule_type filters count NONE, CRON and RATE per project`, async () => {
        expect(await counts(transport, scheduleCases)).toEqual(scheduleCases);
      });
    }

    it("TestListLaunchPlanFilterOnScheduleHTTP: the URL-encoded schedule_type filters count the same", async () => {
      const cases = scheduleCases.map(([p, f, n]) => [p, f.replace(" ", ""), n] as (typeof scheduleCases)[number]);
      expect(await httpCounts(cases)).toEqual(cases);
    });

    for (const transport of TRANSPORTS) {
      it(`TestListLaunchPlanWithActiveScheduleGrpc [${transport} client]: schedule_type combined with state filters`, async () => {
        expect(await counts(transport, activeCases)).toEqual(activeCases);
      });
    }

    it("TestListLaunchPlanWithActiveScheduleHTTP: the URL-encoded combined filters count the same", async () => {
      expect(await httpCounts(httpActiveCases)).toEqual(httpActiveCases);
    });
  });
});
