/**
 * Every package Flyte's Python SDK wrote (`../shared/fixtures/flytekit-serialized/*.tgz`) registers through the REST
 * API of a running admin as flytectl sends it (JSON bodies for some entities, protobuf for the others), compiles,
 * answers 409 ALREADY_EXISTS when registered again, and 400 INVALID_ARGUMENT with a diff when a changed spec comes
 * under the same id.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { findSharedFixtures, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { flyteidlRegistry } from "@aloft/idl";
import { clone, create, type DescMessage, type MessageShape, toBinary, toJsonString } from "@bufbuild/protobuf";
import { LaunchPlanCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskCreateRequestSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowCreateRequestSchema, WorkflowSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { WorkflowMetadata_OnFailurePolicy, WorkflowMetadataSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import { type FixtureEntity, readFixturePackage } from "../managers/flytectl-fixtures.test-helper.js";
import { describeIntegration, type IntegrationAdmin } from "./integration-harness.test-helper.js";

const fixturesDir = findSharedFixtures();
const serialized = fixturesDir === undefined ? undefined : join(fixturesDir, "flytekit-serialized");
const packages =
  serialized === undefined
    ? []
    : readdirSync(serialized)
        .filter((file) => file.endsWith(".tgz"))
        .sort();

const ROUTES = { task: "/api/v1/tasks", workflow: "/api/v1/workflows", launchPlan: "/api/v1/launch_plans" } as const;
const SCHEMAS = {
  task: TaskCreateRequestSchema,
  workflow: WorkflowCreateRequestSchema,
  launchPlan: LaunchPlanCreateRequestSchema,
} as const;

type Encoding = "json" | "protobuf";

/** POSTs the create request of `entity`, as JSON or protobuf; the answer is read as JSON. */
async function register(
  admin: IntegrationAdmin,
  entity: FixtureEntity,
  encoding: Encoding,
): Promise<{ status: number; body: { code?: number; message?: string; details?: { "@type": string }[] } }> {
  const schema: DescMessage = SCHEMAS[entity.kind];
  const request = entity.request as MessageShape<typeof schema>;
  const body =
    encoding === "json" ? toJsonString(schema, request, { registry: flyteidlRegistry }) : toBinary(schema, request);
  const response = await admin.http(ROUTES[entity.kind], {
    method: "POST",
    headers: {
      "content-type": encoding === "json" ? "application/json" : "application/octet-stream",
      accept: "application/json",
    },
    body,
  });
  return { status: response.status, body: JSON.parse(response.body.toString("utf8") || "{}") };
}

describe.skipIf(serialized === undefined)(
  `Flyte-made packages over REST${serialized === undefined ? ` (${SHARED_FIXTURES_MISSING})` : ""}`,
  () => {
    describeIntegration("fixture registration", (admin) => {
      packages.forEach((file, packageIndex) => {
        it(`registers every entity of ${file} (JSON and protobuf bodies), compiles it, and re-registering answers 409`, async () => {
          await admin().truncateAllTables();
          const version = `v${packageIndex + 1}`;
          const entities = readFixturePackage(join(serialized!, file), {
            project: "flytekit",
            domain: "development",
            version,
          });
          expect(entities.length).toBeGreaterThan(0);

          const failures: string[] = [];
          for (const [index, entity] of entities.entries()) {
            const encoding: Encoding = index % 2 === 0 ? "json" : "protobuf";
            const { status, body } = await register(admin(), entity, encoding);
            // flytectl counts ALREADY_EXISTS as registered (flytesnacks ships one task twice).
            if (status !== 200 && !(status === 409 && body.code === 6)) {
              failures.push(`${entity.file} (${encoding}): ${status} ${body.message ?? ""}`);
            }
          }
          expect(failures).toEqual([]);

          for (const [index, entity] of entities.entries()) {
            const encoding: Encoding = index % 2 === 0 ? "protobuf" : "json";
            const { status, body } = await register(admin(), entity, encoding);
            expect({ file: entity.file, status, code: body.code }).toEqual({ file: entity.file, status: 409, code: 6 });
          }

          for (const entity of entities.filter((e) => e.kind === "workflow")) {
            const id = entity.request.id!;
            const path = `/api/v1/workflows/${[id.project, id.domain, id.name, id.version].map(encodeURIComponent).join("/")}`;
            const workflow = await admin().httpGet(path, WorkflowSchema);
            expect(workflow.closure?.compiledWorkflow?.primary?.template?.id?.name).toBe(id.name);
          }
        });
      });

      it("answers 400 INVALID_ARGUMENT with a diff when a changed spec is registered under an existing id", async () => {
        await admin().truncateAllTables();
        const entities = readFixturePackage(join(serialized!, packages[0]!), {
          project: "flytekit",
          domain: "development",
          version: "diff",
        });
        for (const entity of entities) await register(admin(), entity, "protobuf");

        const task = entities.find((e): e is Extract<FixtureEntity, { kind: "task" }> => e.kind === "task")!;
        const changedTask = clone(TaskCreateRequestSchema, task.request);
        const container = changedTask.spec!.template!.target;
        if (container.case !== "container") throw new Error("the first fixture task is not a container task");
        container.value.image = "changed/image:latest";
        const taskAnswer = await register(admin(), { ...task, request: changedTask }, "json");
        expect(taskAnswer.status).toBe(400);
        expect(taskAnswer.body.code).toBe(3);
        expect(taskAnswer.body.message).toContain(
          `${task.request.id!.name} task with different structure already exists. (Please register a new version of the task):\n`,
        );
        expect(taskAnswer.body.message).toContain("changed/image:latest");

        const workflow = entities.find(
          (e): e is Extract<FixtureEntity, { kind: "workflow" }> => e.kind === "workflow",
        )!;
        const changedWorkflow = clone(WorkflowCreateRequestSchema, workflow.request);
        const template = changedWorkflow.spec!.template!;
        template.metadata ??= create(WorkflowMetadataSchema);
        template.metadata.onFailure = WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE;
        const workflowAnswer = await register(admin(), { ...workflow, request: changedWorkflow }, "protobuf");
        expect(workflowAnswer.status).toBe(400);
        expect(workflowAnswer.body.code).toBe(3);
        expect(workflowAnswer.body.message).toContain("workflow with different structure already exists");
        expect(workflowAnswer.body.details?.map((d) => d["@type"])).toEqual([
          "type.googleapis.com/flyteidl.admin.CreateWorkflowFailureReason",
        ]);
      });
    });
  },
);
