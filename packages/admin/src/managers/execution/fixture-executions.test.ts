import { join } from "node:path";
import { AloftError, Code } from "@aloft/idl";
import { findSharedFixtures, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { create } from "@bufbuild/protobuf";
import { ExecutionCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../../repositories/test-databases.test-helper.js";
import { readFixturePackage, type RegistrationTarget } from "../flytectl-fixtures.test-helper.js";
import {
  createExecutionHarness,
  queuedExecutions,
  registerProject,
  testContext as ctx,
  useSigningBlobStore,
} from "./execution-harness.test-helper.js";

const fixturesDir = findSharedFixtures();
const core = fixturesDir === undefined ? undefined : join(fixturesDir, "flytekit-serialized", "flytesnacks-core.tgz");
const target: RegistrationTarget = { project: "flytesnacks", domain: "development", version: "v1" };
const blobStore = useSigningBlobStore();

describe.skipIf(core === undefined)(
  `executions of Flyte-made fixtures${core === undefined ? ` (${SHARED_FIXTURES_MISSING})` : ""}`,
  () => {
    describeEachDialect("flytesnacks-core", (db) => {
      it("launches every registered launch plan, or names the required input it lacks, and single-task launches input-less tasks", async () => {
        const h = createExecutionHarness(db(), blobStore());
        await registerProject(h.registration, target.project);
        const entities = readFixturePackage(core!, target);
        const launchPlans = [];
        const inputLessTasks = [];
        for (const entity of entities) {
          try {
            if (entity.kind === "task") {
              await h.registration.tasks.createTask(entity.request, ctx);
              const inputs = entity.request.spec?.template?.interface?.inputs?.variables ?? {};
              if (Object.keys(inputs).length === 0) inputLessTasks.push(entity.request.id!);
            } else if (entity.kind === "workflow") {
              await h.registration.workflows.createWorkflow(entity.request, ctx);
            } else {
              await h.registration.launchPlans.createLaunchPlan(entity.request, ctx);
              launchPlans.push(entity.request.id!);
            }
          } catch {
            // Registration outcomes are the registration tests' business (e.g. the unbound cron launch plan).
          }
        }
        expect(launchPlans.length).toBeGreaterThan(10);

        let launched = 0;
        for (const launchPlan of [...launchPlans, ...inputLessTasks]) {
          const request = create(ExecutionCreateRequestSchema, {
            project: target.project,
            domain: target.domain,
            spec: { launchPlan },
          });
          try {
            await h.executions.createExecution(request, ctx);
            launched += 1;
          } catch (error) {
            const failure = AloftError.from(error);
            expect(launchPlan.resourceType).toBe(ResourceType.LAUNCH_PLAN);
            expect([failure.code, failure.rawMessage]).toEqual([
              Code.InvalidArgument,
              expect.stringMatching(/^expected_inputs \S+ missing$/),
            ]);
          }
        }
        const queued = await queuedExecutions(db());
        expect(queued).toHaveLength(launched);
        expect(launched).toBeGreaterThan(inputLessTasks.length);
        for (const request of queued) {
          expect(request.workflowClosure?.primary?.template?.id).toBeDefined();
          expect(request.inputsUri).toMatch(
            /^s3:\/\/bucket\/metadata\/flytesnacks\/development\/a[a-z0-9]{19}\/inputs$/,
          );
        }
      });
    });
  },
);
