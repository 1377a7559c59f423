import { create, type DescMessage, type MessageShape, toJson } from "@bufbuild/protobuf";
import {
  LabelsSchema,
  NotificationSchema,
  ObjectGetRequestSchema,
  ResourceListRequestSchema,
  NamedEntityListRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { ExecutionMetadataSchema, ExecutionSpecSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { NodeExecutionForTaskListRequestSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { PrimitiveSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { CreateDownloadLocationRequestSchema } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { UserInfoResponseSchema } from "@aloft/idl/gen/flyteidl/service/identity_pb";
import { describe, expect, it } from "vitest";
import { parseGoQuery } from "./go-url.js";
import { pathParameterFilter, populatePathParameter, populateQueryParameters } from "./populate-fields.js";

function fromQuery<Desc extends DescMessage>(schema: Desc, query: string, filter: string[][] = []): MessageShape<Desc> {
  const message = create(schema);
  const parsed = parseGoQuery(query);
  expect(parsed.error).toBeUndefined();
  populateQueryParameters(message, schema, parsed.values, filter);
  return message;
}

function queryError(schema: DescMessage, query: string): string {
  try {
    fromQuery(schema, query);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("populateQueryParameters", () => {
  it("sets scalars, nested fields and enums by name or number, under proto or JSON names", () => {
    const byName = fromQuery(
      ResourceListRequestSchema,
      "id.project=flytesnacks&id.domain=development&limit=20&token=40&filters=eq(phase,RUNNING)%2Bne(name,a)&sort_by.key=created_at&sort_by.direction=ASCENDING",
    );
    expect(toJson(ResourceListRequestSchema, byName, { useProtoFieldName: true })).toEqual({
      id: { project: "flytesnacks", domain: "development" },
      limit: 20,
      token: "40",
      filters: "eq(phase,RUNNING)+ne(name,a)",
      sort_by: { key: "created_at", direction: "ASCENDING" },
    });
    const byNumberAndJsonName = fromQuery(ResourceListRequestSchema, "sortBy.direction=1&sortBy.key=name");
    expect(toJson(ResourceListRequestSchema, byNumberAndJsonName)).toEqual({
      sortBy: { key: "name", direction: "ASCENDING" },
    });
  });

  it("appends repeated scalars and enums, fills maps with key[name]=value, and reads int64 as a string of digits", () => {
    const notification = fromQuery(
      NotificationSchema,
      "phases=SUCCEEDED&phases=6&email.recipients_email=a@x.io&email.recipients_email=b@x.io",
    );
    expect(toJson(NotificationSchema, notification, { useProtoFieldName: true })).toEqual({
      phases: ["SUCCEEDED", "FAILED"],
      email: { recipients_email: ["a@x.io", "b@x.io"] },
    });
    const labels = fromQuery(LabelsSchema, "values[team]=ml&values[env]=dev");
    expect(labels.values).toEqual({ team: "ml", env: "dev" });
    const primitive = fromQuery(PrimitiveSchema, "integer=9007199254740993");
    expect(primitive.value).toEqual({ case: "integer", value: 9007199254740993n });
  });

  it("reads well-known types from their text forms", () => {
    const download = fromQuery(CreateDownloadLocationRequestSchema, "native_url=s3://b/k&expires_in=1m30.5s");
    expect(download.nativeUrl).toBe("s3://b/k");
    expect(download.expiresIn).toMatchObject({ seconds: 90n, nanos: 500_000_000 });
    const metadata = fromQuery(ExecutionMetadataSchema, "scheduled_at=2024-01-02T03:04:05Z&mode=SCHEDULED");
    expect(metadata.scheduledAt).toMatchObject({ seconds: 1704164645n, nanos: 0 });
    const spec = fromQuery(ExecutionSpecSchema, "interruptible=false&max_parallelism=7");
    expect(spec.interruptible).toBe(false);
    expect(spec.maxParallelism).toBe(7);
    const info = fromQuery(UserInfoResponseSchema, 'additional_claims={"groups":["a"],"n":1}');
    expect(info.additionalClaims).toEqual({ groups: ["a"], n: 1 });
  });

  it("ignores unknown names but, as grpc-gateway, creates the messages on the way", () => {
    const request = fromQuery(ResourceListRequestSchema, "unknown=1&sort_by.bogus=2&id.nope.deeper=3");
    expect(request.sortBy).toBeDefined();
    expect(request.sortBy?.key).toBe("");
    expect(request.id).toBeDefined();
    expect(request.limit).toBe(0);
  });

  it("skips keys the path already set", () => {
    const filter = pathParameterFilter(ResourceListRequestSchema, ["id.project", "id.domain"]);
    const request = fromQuery(ResourceListRequestSchema, "id.project=evil&id.name=wf&limit=1", filter);
    expect(request.id?.project).toBe("");
    expect(request.id?.name).toBe("wf");
  });

  it.each([
    ["limit=abc", 'parsing field "limit": strconv.ParseUint: parsing "abc": invalid syntax'],
    ["limit=-1", 'parsing field "limit": strconv.ParseUint: parsing "-1": invalid syntax'],
    ["limit=1&limit=2", 'too many values for field "limit": 1, 2'],
    ["sort_by.direction=UP", 'parsing field "direction": "UP" is not a valid value'],
    ["sort_by.direction=7", 'parsing field "direction": "7" is not a valid value'],
    ["limit.x=1", 'invalid path: "limit" is not a message'],
    ["id=x", 'parsing field "id": unsupported message type: "flyteidl.admin.NamedEntityIdentifier"'],
  ])("rejects %s with grpc-gateway's message", (query, message) => {
    expect(queryError(ResourceListRequestSchema, query)).toBe(message);
  });

  it("refuses a second member of a oneof", () => {
    expect(queryError(NotificationSchema, "email.recipients_email=a&slack.recipients_email=b")).toBe(
      'field already set for oneof "type"',
    );
    expect(queryError(CreateDownloadLocationRequestSchema, "expires_in=1q")).toBe(
      'parsing field "expires_in": time: unknown unit "q" in duration "1q"',
    );
  });
});

describe("populatePathParameter", () => {
  it("sets top-level enums by name or defined number, as runtime.Enum", () => {
    const request = create(NamedEntityListRequestSchema);
    populatePathParameter(request, NamedEntityListRequestSchema, "resource_type", "LAUNCH_PLAN");
    expect(request.resourceType).toBe(3);
    populatePathParameter(request, NamedEntityListRequestSchema, "resource_type", "2");
    expect(request.resourceType).toBe(2);
    expect(() => populatePathParameter(request, NamedEntityListRequestSchema, "resource_type", "9")).toThrow(
      "9 is not valid",
    );
  });

  it("sets nested fields through the query parser's conversions", () => {
    const get = create(ObjectGetRequestSchema);
    populatePathParameter(get, ObjectGetRequestSchema, "id.resource_type", "WORKFLOW");
    populatePathParameter(get, ObjectGetRequestSchema, "id.name", "wf with space");
    expect(get.id).toMatchObject({ resourceType: 2, name: "wf with space" });
    expect(() => populatePathParameter(get, ObjectGetRequestSchema, "id.resource_type", "X")).toThrow(
      'parsing field "resource_type": "X" is not a valid value',
    );
    const children = create(NodeExecutionForTaskListRequestSchema);
    populatePathParameter(children, NodeExecutionForTaskListRequestSchema, "task_execution_id.retry_attempt", "2");
    expect(children.taskExecutionId?.retryAttempt).toBe(2);
    expect(() =>
      populatePathParameter(children, NodeExecutionForTaskListRequestSchema, "task_execution_id.retry_attempt", "two"),
    ).toThrow('parsing field "retry_attempt": strconv.ParseUint: parsing "two": invalid syntax');
  });

  it("lists path variables in proto and JSON spellings for the query filter", () => {
    expect(pathParameterFilter(NodeExecutionForTaskListRequestSchema, ["task_execution_id.retry_attempt"])).toEqual([
      ["task_execution_id", "retry_attempt"],
      ["taskExecutionId", "retryAttempt"],
    ]);
  });
});
