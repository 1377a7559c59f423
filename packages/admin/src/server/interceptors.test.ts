import { AloftError, capMessage, Code, MAX_ERROR_MESSAGE_BYTES } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { Code as ConnectCode, ConnectError } from "@connectrpc/connect";
import { CreateWorkflowFailureReasonSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { describe, expect, it } from "vitest";
import { toConnectError } from "./interceptors.js";

describe("toConnectError", () => {
  it("keeps an AloftError's code, message and typed details", () => {
    const detail = create(CreateWorkflowFailureReasonSchema, {
      reason: { case: "existsIdenticalStructure", value: { id: { name: "wf" } } },
    });
    const error = toConnectError(
      AloftError.alreadyExists("workflow with identical structure already exists", { details: [detail] }),
      { requestId: "r" },
    );
    expect(error.code).toBe(ConnectCode.AlreadyExists);
    expect(error.rawMessage).toBe("workflow with identical structure already exists");
    const [found] = error.findDetails(CreateWorkflowFailureReasonSchema);
    expect(found?.reason).toMatchObject({ case: "existsIdenticalStructure", value: { id: { name: "wf" } } });
  });

  it("caps long messages at flyteadmin's 32,000 bytes", () => {
    const long = "é".repeat(20_000);
    const fromAloft = toConnectError(new AloftError(Code.InvalidArgument, long), { requestId: "r" });
    const fromConnect = toConnectError(new ConnectError(long, ConnectCode.InvalidArgument), { requestId: "r" });
    for (const error of [fromAloft, fromConnect]) {
      expect(Buffer.byteLength(error.rawMessage)).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
      expect(error.rawMessage).toBe(capMessage(long));
    }
  });

  it("hides anything else behind INTERNAL naming the request id, keeping the cause", () => {
    const cause = new TypeError("x is undefined");
    const error = toConnectError(cause, { requestId: "a-123" });
    expect(error.code).toBe(ConnectCode.Internal);
    expect(error.rawMessage).toBe("internal error; the admin log has the details under request id a-123");
    expect(error.cause).toBe(cause);
  });

  it("reports the abort reason when the call's signal aborted", () => {
    const deadline = new AbortController();
    deadline.abort(new ConnectError("deadline exceeded", ConnectCode.DeadlineExceeded));
    expect(toConnectError(new Error("aborted"), { requestId: "r", signal: deadline.signal }).code).toBe(
      ConnectCode.DeadlineExceeded,
    );
    const gone = new AbortController();
    gone.abort();
    const canceled = toConnectError(new Error("aborted"), { requestId: "r", signal: gone.signal });
    expect(canceled.code).toBe(ConnectCode.Canceled);
    expect(canceled.rawMessage).toBe("the request was canceled");
  });
});
