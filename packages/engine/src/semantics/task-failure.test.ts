import { describe, expect, it } from "vitest";
import { ContainerError_Kind } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { containerErrorFromThrown, TaskFailure, taskFailureFromContainerError } from "../index.js";

describe("containerErrorFromThrown", () => {
  it("marks an ordinary error as a non-recoverable user error, as flytekit does", () => {
    const error = containerErrorFromThrown(new TypeError("x is undefined"));
    expect(error.code).toBe("USER:RuntimeError");
    expect(error.message).toBe("x is undefined");
    expect(error.kind).toBe(ContainerError_Kind.NON_RECOVERABLE);
    expect(error.origin).toBe(ExecutionError_ErrorKind.USER);
  });

  it("marks errors flagged recoverable, or named RecoverableError, as recoverable", () => {
    class RecoverableError extends Error {
      override name = "RecoverableError";
    }
    const flagged = Object.assign(new Error("flaky"), { recoverable: true });
    expect(containerErrorFromThrown(flagged).kind).toBe(ContainerError_Kind.RECOVERABLE);
    expect(containerErrorFromThrown(flagged).code).toBe("RecoverableFlyteException");
    expect(containerErrorFromThrown(new RecoverableError("flaky")).kind).toBe(ContainerError_Kind.RECOVERABLE);
  });

  it("uses an error's own errorCode", () => {
    const coded = Object.assign(new Error("quota"), { errorCode: "QuotaExceeded" });
    expect(containerErrorFromThrown(coded).code).toBe("QuotaExceeded");
  });

  it("keeps the ContainerError a TaskFailure carries", () => {
    const failure = new TaskFailure({ code: "Interrupted", message: "lost", recoverable: true, origin: "SYSTEM" });
    expect(containerErrorFromThrown(failure)).toBe(failure.containerError);
    expect(TaskFailure.fromContainerError(failure.containerError).containerError).toBe(failure.containerError);
  });

  it("describes thrown non-errors by their text", () => {
    expect(containerErrorFromThrown("plain string").message).toBe("plain string");
  });
});

describe("taskFailureFromContainerError", () => {
  it("turns the container error's origin into the error kind and its kind into retryability", () => {
    const failure = new TaskFailure({ code: "Interrupted", message: "lost", recoverable: true, origin: "SYSTEM" });
    const info = taskFailureFromContainerError(failure.containerError);
    expect(info.recoverable).toBe(true);
    expect(info.error.kind).toBe(ExecutionError_ErrorKind.SYSTEM);
    expect(info.error.code).toBe("Interrupted");
    expect(info.error.message).toBe("lost");
  });
});
