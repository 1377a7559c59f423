/**
 * flyteadmin's `tests/task_execution_test.go`, against a running admin over gRPC and REST (protobuf bodies).
 * TestGetTaskExecutionData writes its data through the admin's own (fs) blob store where the Go test used MinIO.
 */
import { create, equals } from "@bufbuild/protobuf";
import { timestampFromMs, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { stringLiteral } from "@aloft/idl";
import { TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { TaskExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { writeProto } from "@aloft/storage";
import { expect, it } from "vitest";
import { describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";
import {
  createTaskAndNodeExecution,
  executionId,
  nodeExecutionId,
  taskExecutionIdentifier,
  taskIdentifier,
} from "./task-and-node-executions.test-helper.js";

const taskExecInputUri = "s3://flyte/metadata/admin/input/uri";
/** Attempt 0 (the Go tests' identifier without a retry attempt). */
const firstAttempt = create(TaskExecutionIdentifierSchema, { taskId: taskIdentifier, nodeExecutionId });

describeIntegration("flyteadmin integration: task executions", (admin) => {
  for (const transport of TRANSPORTS) {
    it(`TestCreateTaskExecution [${transport}]: a RUNNING task event creates the task execution`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const occurredAt = timestampFromMs(Date.now());
      await createTaskAndNodeExecution(client, occurredAt);
      await client.createTaskEvent({
        requestId: "request id",
        event: {
          taskId: taskIdentifier,
          parentNodeExecutionId: nodeExecutionId,
          phase: TaskExecution_Phase.RUNNING,
          retryAttempt: 1,
          occurredAt,
          inputValue: { case: "inputUri", value: taskExecInputUri },
        },
      });
      const response = await client.getTaskExecution({ id: taskExecutionIdentifier });
      expect(equals(TaskExecutionIdentifierSchema, taskExecutionIdentifier, response.id!)).toBe(true);
      expect(response.closure?.phase).toBe(TaskExecution_Phase.RUNNING);
      expect(response.inputUri).toBe(taskExecInputUri);
    });

    it(`TestCreateAndUpdateTaskExecution [${transport}]: a failed attempt, then a retry that runs and succeeds after a minute`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const beganMs = Date.now();
      const beganAt = timestampFromMs(beganMs);
      await createTaskAndNodeExecution(client, beganAt);
      const inputValue = { case: "inputUri", value: taskExecInputUri } as const;
      const base = { taskId: taskIdentifier, parentNodeExecutionId: nodeExecutionId, inputValue };

      await client.createTaskEvent({
        requestId: "request id",
        event: { ...base, phase: TaskExecution_Phase.FAILED, occurredAt: beganAt, retryAttempt: 0 },
      });
      await expect(client.getTaskExecution({ id: firstAttempt })).resolves.toBeDefined();

      await client.createTaskEvent({
        requestId: "request id",
        event: { ...base, phase: TaskExecution_Phase.RUNNING, retryAttempt: 1, occurredAt: beganAt },
      });
      await expect(client.getTaskExecution({ id: taskExecutionIdentifier })).resolves.toBeDefined();

      const endedAt = timestampFromMs(beganMs + 60_000);
      await client.createTaskEvent({
        requestId: "request id",
        event: { ...base, phase: TaskExecution_Phase.SUCCEEDED, retryAttempt: 1, occurredAt: endedAt },
      });
      const response = await client.getTaskExecution({ id: taskExecutionIdentifier });
      expect(equals(TaskExecutionIdentifierSchema, taskExecutionIdentifier, response.id!)).toBe(true);
      expect(response.closure?.phase).toBe(TaskExecution_Phase.SUCCEEDED);
      expect([59n, 60n, 61n]).toContain(response.closure?.duration?.seconds);
      expect(equals(TimestampSchema, beganAt, response.closure!.createdAt!)).toBe(true);
      expect(equals(TimestampSchema, endedAt, response.closure!.updatedAt!)).toBe(true);
      expect(response.inputUri).toBe(taskExecInputUri);
    });

    it(`TestCreateAndUpdateTaskExecutionPhaseVersion [${transport}]: a newer phase version of RUNNING is accepted with its custom info`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const beganAt = timestampFromMs(Date.now());
      await createTaskAndNodeExecution(client, beganAt);
      const inputValue = { case: "inputUri", value: taskExecInputUri } as const;
      const base = { taskId: taskIdentifier, parentNodeExecutionId: nodeExecutionId, inputValue, occurredAt: beganAt };

      await client.createTaskEvent({
        requestId: "request id",
        event: { ...base, phase: TaskExecution_Phase.RUNNING, retryAttempt: 0 },
      });
      await expect(client.getTaskExecution({ id: firstAttempt })).resolves.toBeDefined();

      // google.protobuf.Struct is a plain JSON object in protobuf-es.
      const customInfo = { phase: "value" };
      await client.createTaskEvent({
        requestId: "request id",
        event: { ...base, phase: TaskExecution_Phase.RUNNING, phaseVersion: 1, retryAttempt: 0, customInfo },
      });
      const response = await client.getTaskExecution({ id: firstAttempt });
      expect(response.closure?.phase).toBe(TaskExecution_Phase.RUNNING);
      expect(response.closure?.customInfo).toEqual(customInfo);
    });

    it(`TestCreateAndListTaskExecution [${transport}]: task, retry attempt and phase filters find the one attempt`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const occurredAt = timestampFromMs(Date.now());
      await createTaskAndNodeExecution(client, occurredAt);
      await client.createTaskEvent({
        requestId: "request id",
        event: {
          taskId: taskIdentifier,
          parentNodeExecutionId: nodeExecutionId,
          phase: TaskExecution_Phase.RUNNING,
          retryAttempt: 1,
          occurredAt,
          inputValue: { case: "inputUri", value: taskExecInputUri },
        },
      });
      const response = await client.listTaskExecutions({
        nodeExecutionId,
        limit: 10,
        filters:
          "eq(task.project, project)+eq(task.domain, development)+eq(task.name, task name)+" +
          "eq(task.version, task version)+eq(task_execution.retry_attempt, 1)+value_in(phase, RUNNING)",
      });
      expect(response.taskExecutions).toHaveLength(1);
    });

    it(`TestGetTaskExecutionData [${transport}]: with signed URLs off, full inputs and outputs come inline`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const { blobStore } = admin().service;
      const inputRef = blobStore.join(blobStore.baseUri, "metadata", "admin", "input", "uri");
      const outputRef = blobStore.join(blobStore.baseUri, "metadata", "admin", "output", "uri");
      const taskInputs = create(LiteralMapSchema, { literals: { foo: stringLiteral("foo") } });
      const taskOutputs = create(LiteralMapSchema, { literals: { bar: stringLiteral("bar") } });
      await writeProto(blobStore, inputRef, LiteralMapSchema, taskInputs);
      await writeProto(blobStore, outputRef, LiteralMapSchema, taskOutputs);

      const client = admin().client(transport);
      const beganAt = timestampFromMs(Date.now());
      await createTaskAndNodeExecution(client, beganAt);
      await client.createTaskEvent({
        requestId: "request id",
        event: {
          taskId: taskIdentifier,
          parentNodeExecutionId: nodeExecutionId,
          phase: TaskExecution_Phase.SUCCEEDED,
          occurredAt: beganAt,
          inputValue: { case: "inputUri", value: inputRef },
          outputResult: { case: "outputUri", value: outputRef },
          retryAttempt: 0,
        },
      });

      const response = await client.getTaskExecutionData({ id: firstAttempt });
      expect(response.inputs === undefined || response.inputs.url === "").toBe(true);
      expect(response.outputs === undefined || response.outputs.url === "").toBe(true);
      expect(equals(LiteralMapSchema, taskInputs, response.fullInputs!)).toBe(true);
      expect(equals(LiteralMapSchema, taskOutputs, response.fullOutputs!)).toBe(true);
    });
  }
});
