import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AloftError, Code, stringLiteral, datetimeType, stringType } from "@aloft/idl";
import { findSharedFixtures, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { create } from "@bufbuild/protobuf";
import { NamedEntityListRequestSchema, ObjectGetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { LaunchPlanState, LaunchPlanUpdateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { ParameterSchema, VariableSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { BindingSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  type FixtureEntity,
  fixtureEntity,
  readFixturePackage,
  type RegistrationTarget,
} from "./flytectl-fixtures.test-helper.js";
import {
  createRegistrationManagers,
  failure,
  registerProject,
  type RegistrationManagers,
  testContext as ctx,
  useTempBlobStore,
} from "./registration-harness.test-helper.js";
import { taskRequest, workflowRequest } from "./registration-requests.test-helper.js";

const fixturesDir = findSharedFixtures();
const serialized = fixturesDir === undefined ? undefined : join(fixturesDir, "flytekit-serialized");
const packages =
  serialized === undefined
    ? []
    : readdirSync(serialized)
        .filter((file) => file.endsWith(".tgz"))
        .sort();
const target: RegistrationTarget = { project: "flytesnacks", domain: "development", version: "v1" };

const blobStore = useTempBlobStore();

/** Registers one entity as flytectl would; the error (if any) is returned rather than thrown. */
async function register(m: RegistrationManagers, entity: FixtureEntity): Promise<AloftError | undefined> {
  try {
    if (entity.kind === "task") await m.tasks.createTask(entity.request, ctx);
    else if (entity.kind === "workflow") await m.workflows.createWorkflow(entity.request, ctx);
    else await m.launchPlans.createLaunchPlan(entity.request, ctx);
    return undefined;
  } catch (error) {
    return AloftError.from(error);
  }
}

describe.skipIf(serialized === undefined)(
  `Flyte-made fixtures${serialized === undefined ? ` (${SHARED_FIXTURES_MISSING})` : ""}`,
  () => {
    it("are all present", () => {
      expect(packages).toEqual(["flytesnacks-core.tgz", "valid-package.tgz", "valid-register.tgz"]);
    });

    describeEachDialect("registration", (db) => {
      for (const file of packages) {
        it(`registers every entity of ${file} in file order, and re-registration answers ALREADY_EXISTS`, async () => {
          const m = createRegistrationManagers(db(), blobStore());
          await registerProject(m, target.project);
          const entities = readFixturePackage(join(serialized!, file), target);
          expect(entities.length).toBeGreaterThan(0);
          const failures: string[] = [];
          for (const entity of entities) {
            const error = await register(m, entity);
            // flytectl counts ALREADY_EXISTS as registered (flytesnacks ships the sqlite task twice).
            if (error !== undefined && error.code !== Code.AlreadyExists) {
              failures.push(`${entity.file}: ${error.message}`);
            }
          }
          expect(failures).toEqual([]);

          for (const entity of entities) {
            const again = await register(m, entity);
            expect({ file: entity.file, code: again?.code }).toEqual({ file: entity.file, code: Code.AlreadyExists });
          }

          for (const entity of entities.filter((e) => e.kind === "workflow")) {
            const workflow = await m.workflows.getWorkflow(
              create(ObjectGetRequestSchema, { id: entity.request.id }),
              ctx,
            );
            expect(workflow.closure?.compiledWorkflow?.primary?.template?.id?.name).toBe(entity.request.id?.name);
          }
          const taskNames = new Set(entities.filter((e) => e.kind === "task").map((e) => e.request.id?.name));
          const listed = await m.namedEntities.listNamedEntities(
            create(NamedEntityListRequestSchema, {
              resourceType: ResourceType.TASK,
              project: target.project,
              domain: target.domain,
              limit: 1000,
            }),
            ctx,
          );
          expect(new Set(listed.entities.map((e) => e.id?.name))).toEqual(taskNames);
        });
      }

      it("rejects the cron launch plan fixture as flyteadmin does while its `name` input is unbound, and schedules it once bound", async () => {
        const m = createRegistrationManagers(db(), blobStore());
        await registerProject(m, target.project);
        const entity = fixtureEntity(
          "152_my_cron_scheduled_lp_3.pb",
          readFileSync(join(serialized!, "152_my_cron_scheduled_lp_3.pb")),
          target,
        );
        if (entity.kind !== "launchPlan") throw new Error("expected a launch plan");
        const workflowName = entity.request.spec!.workflowId!.name;
        // The fixture's workflow is not in the package: register a stand-in with the same interface.
        const task = taskRequest({ project: target.project, name: "date_formatter", version: target.version });
        const inputs = {
          name: create(VariableSchema, { type: stringType() }),
          kickoff_time: create(VariableSchema, { type: datetimeType() }),
        };
        task.spec!.template!.interface!.inputs!.variables = inputs;
        await m.tasks.createTask(task, ctx);
        const workflow = workflowRequest(
          { project: target.project, name: workflowName, version: target.version },
          { name: "date_formatter" },
        );
        workflow.spec!.template!.interface!.inputs!.variables = inputs;
        const node = workflow.spec!.template!.nodes[0]!;
        node.inputs = ["name", "kickoff_time"].map((name) =>
          create(BindingSchema, {
            var: name,
            binding: { value: { case: "promise", value: { nodeId: "start-node", var: name } } },
          }),
        );
        await m.workflows.createWorkflow(workflow, ctx);

        const error = await failure(() => m.launchPlans.createLaunchPlan(entity.request, ctx));
        expect(error.code).toBe(Code.InvalidArgument);
        expect(error.rawMessage).toBe(
          "Cannot create a launch plan with a schedule if there is an unbound required input. [name] is required",
        );

        entity.request.spec!.defaultInputs!.parameters["name"] = create(ParameterSchema, {
          var: { type: stringType() },
          behavior: { case: "default", value: stringLiteral("world") },
        });
        await m.launchPlans.createLaunchPlan(entity.request, ctx);
        await m.launchPlans.updateLaunchPlan(
          create(LaunchPlanUpdateRequestSchema, {
            id: { ...entity.request.id!, resourceType: ResourceType.LAUNCH_PLAN },
            state: LaunchPlanState.ACTIVE,
          }),
          ctx,
        );
        const schedules = await db().repos.schedulableEntities.listAll();
        expect(schedules.map((s) => [s.name, s.cron_expression, s.kickoff_time_input_arg, s.active])).toEqual([
          ["my_cron_scheduled_lp", "*/1 * * * *", "kickoff_time", true],
        ]);
      });

      it("registers the single task spec fixture", async () => {
        const m = createRegistrationManagers(db(), blobStore());
        await registerProject(m, target.project);
        const entity = fixtureEntity(
          "69_core.flyte_basics.lp.greet_1.pb",
          readFileSync(join(serialized!, "69_core.flyte_basics.lp.greet_1.pb")),
          target,
        );
        expect(await register(m, entity)).toBeUndefined();
        expect(entity.request.id?.name).toBe("core.flyte_basics.lp.greet");
      });
    });
  },
);
