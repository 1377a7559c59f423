import { create, equals } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { Code } from "@aloft/idl";
import { WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describe, expect, it } from "vitest";
import {
  decodeAbortRequest,
  decodeExecutionRequest,
  encodeAbortRequest,
  encodeExecutionRequest,
} from "./execution-payload-codec.js";
import { sampleExecutionRequest } from "./execution-request.test-helper.js";
import type { ExecutionRequest } from "./workflow-executor.js";

describe("execution payload codec", () => {
  it("round-trips every field of an execution request", () => {
    const request = sampleExecutionRequest();
    const decoded = decodeExecutionRequest(encodeExecutionRequest(request));
    expect(decoded.namespace).toBe("p-development");
    expect(decoded.labels).toEqual({ team: "ml" });
    expect(decoded.eventVersion).toBe(2);
    expect(
      equals(LiteralMapSchema, decoded.inputs ?? create(LiteralMapSchema), request.inputs ?? create(LiteralMapSchema)),
    ).toBe(true);
    expect(decoded).toEqual(request);
  });

  it("leaves optional fields out when they were not given", () => {
    const minimal: ExecutionRequest = {
      executionId: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "d", name: "n" }),
      namespace: "",
      referenceWorkflowName: "wf",
      referenceLaunchPlanName: "lp",
      workflowClosureUri: "s3://closure",
      inputsUri: "s3://inputs",
      acceptedAt: create(TimestampSchema, { seconds: 1n }),
      labels: {},
      annotations: {},
      taskPluginOverrides: [],
      eventVersion: 0,
    };
    expect(decodeExecutionRequest(encodeExecutionRequest(minimal))).toEqual(minimal);
  });

  it("round-trips abort requests", () => {
    const abort = {
      executionId: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "d", name: "n" }),
      namespace: "p-d",
      cluster: "local",
      cause: "user asked",
    };
    expect(decodeAbortRequest(encodeAbortRequest(abort))).toEqual(abort);
  });

  it("reports corrupt payloads as Internal naming the field", () => {
    const bad = (text: string, field: string) =>
      expect(() => decodeExecutionRequest(text)).toThrow(
        expect.objectContaining({
          code: Code.Internal,
          rawMessage: `corrupt execution queue payload: field '${field}'`,
        }),
      );
    bad("not json", "(json)");
    bad('{"v":99}', "v");
    bad('{"v":1,"executionId":"%%%notbase64"}', "executionId");
    bad(JSON.stringify({ v: 1, executionId: "CgFw", namespace: 5 }), "namespace");
  });
});
