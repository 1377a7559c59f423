import { create } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind, ExecutionErrorSchema } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { NodeSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import { MAX_SYSTEM_FAILURES, minAttemptsOf, retryDecision } from "../index.js";

const userFailure = create(ExecutionErrorSchema, {
  kind: ExecutionError_ErrorKind.USER,
  code: "Boom",
  message: "it broke",
});
const systemFailure = create(ExecutionErrorSchema, {
  kind: ExecutionError_ErrorKind.SYSTEM,
  code: "Lost",
  message: "pod lost",
});

describe("minAttemptsOf", () => {
  it("takes the node's retries over the task's, and neither when both are zero", () => {
    const task = create(TaskTemplateSchema, { metadata: { retries: { retries: 2 } } });
    expect(minAttemptsOf(create(NodeSchema, { metadata: { retries: { retries: 4 } } }), task)).toBe(5);
    expect(minAttemptsOf(create(NodeSchema), task)).toBe(3);
    expect(minAttemptsOf(create(NodeSchema), undefined)).toBeUndefined();
  });
});

describe("retryDecision", () => {
  it("retries user failures within the node's attempts, system failures within their own budget", () => {
    expect(retryDecision(userFailure, { attempts: 1, systemFailures: 0, minAttempts: 3 })).toEqual({ retry: true });
    expect(retryDecision(userFailure, { attempts: 0, systemFailures: 0, minAttempts: undefined }).retry).toBe(false);
    // System failures do not use up user attempts, and vice versa.
    expect(retryDecision(userFailure, { attempts: 2, systemFailures: 2, minAttempts: 2 })).toEqual({ retry: true });
    const last = { attempts: 5, systemFailures: MAX_SYSTEM_FAILURES - 1, minAttempts: undefined };
    expect(retryDecision(systemFailure, last)).toEqual({ retry: true });
  });

  it("reports exhausted retries as propeller does", () => {
    const decision = retryDecision(userFailure, { attempts: 2, systemFailures: 0, minAttempts: 3 });
    if (decision.retry) throw new Error("expected no retry");
    expect([decision.error.kind, decision.error.code, decision.error.message]).toEqual([
      ExecutionError_ErrorKind.USER,
      "RetriesExhausted|Boom",
      "[3/3] currentAttempt done. Last Error: USER::it broke",
    ]);
    const system = retryDecision(systemFailure, { attempts: 3, systemFailures: 3, minAttempts: 1 });
    expect(system.retry === false && system.error.message).toBe(
      "[3/3] currentAttempt done. Last Error: SYSTEM::pod lost",
    );
  });
});
