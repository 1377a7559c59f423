import { create, createFileRegistry, type DescMessage, equals, fromJson } from "@bufbuild/protobuf";
import {
  anyPack,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  MethodOptionsSchema,
  TimestampSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  ExecutionClosureSchema,
  ExecutionCreateRequestSchema,
  ExecutionSchema,
} from "./gen/flyteidl/admin/execution_pb.js";
import { LaunchPlanMetadataSchema } from "./gen/flyteidl/admin/launch_plan_pb.js";
import { ProjectSchema, ProjectsSchema } from "./gen/flyteidl/admin/project_pb.js";
import { WorkflowExecution_Phase } from "./gen/flyteidl/core/execution_pb.js";
import {
  file_flyteidl_core_identifier,
  NodeExecutionIdentifierSchema,
  TaskExecutionIdentifierSchema,
} from "./gen/flyteidl/core/identifier_pb.js";
import { LiteralMapSchema, LiteralSchema } from "./gen/flyteidl/core/literals_pb.js";
import {
  AloftError,
  binaryLiteral,
  Code,
  fromAdminJson,
  fromAdminJsonString,
  integerLiteral,
  toAdminJson,
  toAdminJsonString,
  workflowExecutionId,
} from "./index.js";

function caught(run: () => unknown): AloftError {
  try {
    run();
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  return expect.fail("expected an AloftError");
}

// Goldens are the bytes Go's protojson writes with {UseProtoNames, EmitUnpopulated} (minus its random
// whitespace): fields in declaration order, unset messages as null, unset oneof members left out.
describe("toAdminJson", () => {
  it("writes null for an Execution's unset spec and closure", () => {
    const execution = create(ExecutionSchema, { id: { project: "p", domain: "d", name: "n" } });
    expect(toAdminJsonString(ExecutionSchema, execution)).toBe(
      '{"id":{"project":"p","domain":"d","name":"n","org":""},"spec":null,"closure":null}',
    );
  });

  it("writes a Project with every field, as flyteadmin's GET /api/v1/projects does", () => {
    expect(toAdminJsonString(ProjectSchema, create(ProjectSchema, { id: "x" }))).toBe(
      '{"id":"x","name":"","domains":[],"description":"","labels":null,"state":"ACTIVE","org":""}',
    );
  });

  it("writes a ListProjects response with nulls inside list elements", () => {
    const projects = create(ProjectsSchema, {
      projects: [{ id: "flytesnacks", name: "flytesnacks", domains: [{ id: "development", name: "development" }] }],
    });
    expect(toAdminJsonString(ProjectsSchema, projects)).toBe(
      '{"projects":[{"id":"flytesnacks","name":"flytesnacks","domains":[{"id":"development","name":"development"}],' +
        '"description":"","labels":null,"state":"ACTIVE","org":""}],"token":""}',
    );
  });

  it("leaves out the unset members of a Literal's oneofs", () => {
    expect(toAdminJsonString(LiteralSchema, integerLiteral(3))).toBe(
      '{"scalar":{"primitive":{"integer":"3"}},"hash":"","metadata":{}}',
    );
  });

  it("writes oneof members and other fields in declaration order, with well-known types in their JSON forms", () => {
    const closure = create(ExecutionClosureSchema, {
      outputResult: { case: "error", value: { code: "USER:Boom", kind: 1 } },
      phase: WorkflowExecution_Phase.SUCCEEDED,
      createdAt: { seconds: 1700000000n },
      duration: { seconds: 1n, nanos: 500_000_000 },
    });
    expect(toAdminJsonString(ExecutionClosureSchema, closure)).toBe(
      '{"error":{"code":"USER:Boom","message":"","error_uri":"","kind":"USER","timestamp":null,"worker":""},' +
        '"computed_inputs":null,"phase":"SUCCEEDED","started_at":null,"duration":"1.500s",' +
        '"created_at":"2023-11-14T22:13:20Z","updated_at":null,"notifications":[],"workflow_id":null,' +
        '"state_change_details":null}',
    );
  });

  it("writes map entries sorted by key, with nulls inside their values, int64 as strings and bytes as base64", () => {
    const map = create(LiteralMapSchema, {
      literals: {
        b: binaryLiteral(new Uint8Array([1, 2, 3]), "x"),
        a: { value: { case: "scalar", value: { value: { case: "union", value: {} } } } },
        c: { value: { case: "offloadedMetadata", value: { uri: "s3://o", sizeBytes: 10n } } },
      },
    });
    expect(toAdminJsonString(LiteralMapSchema, map)).toBe(
      '{"literals":{' +
        '"a":{"scalar":{"union":{"value":null,"type":null}},"hash":"","metadata":{}},' +
        '"b":{"scalar":{"binary":{"value":"AQID","tag":"x"}},"hash":"","metadata":{}},' +
        '"c":{"offloaded_metadata":{"uri":"s3://o","size_bytes":"10","inferred_type":null},"hash":"","metadata":{}}}}',
    );
  });

  it("writes nulls inside an Any payload, after its @type", () => {
    const metadata = create(LaunchPlanMetadataSchema, {
      launchConditions: anyPack(NodeExecutionIdentifierSchema, create(NodeExecutionIdentifierSchema, { nodeId: "n0" })),
    });
    expect(toAdminJsonString(LaunchPlanMetadataSchema, metadata)).toBe(
      '{"schedule":null,"notifications":[],"launch_conditions":' +
        '{"@type":"type.googleapis.com/flyteidl.core.NodeExecutionIdentifier","node_id":"n0","execution_id":null}}',
    );
    const wkt = create(LaunchPlanMetadataSchema, {
      launchConditions: anyPack(TimestampSchema, create(TimestampSchema, { seconds: 0n })),
    });
    expect(toAdminJson(LaunchPlanMetadataSchema, wkt)).toEqual({
      schedule: null,
      notifications: [],
      launch_conditions: { "@type": "type.googleapis.com/google.protobuf.Timestamp", value: "1970-01-01T00:00:00Z" },
    });
  });

  it("uses lowerCamelCase names when asked, as grpc-gateway's default marshaler does", () => {
    const id = create(TaskExecutionIdentifierSchema, { retryAttempt: 1 });
    expect(toAdminJsonString(TaskExecutionIdentifierSchema, id, { names: "json" })).toBe(
      '{"taskId":null,"nodeExecutionId":null,"retryAttempt":1}',
    );
    expect(toAdminJsonString(TaskExecutionIdentifierSchema, id)).toBe(
      '{"task_id":null,"node_execution_id":null,"retry_attempt":1}',
    );
  });

  it("leaves out unset proto3 optional fields, which Go treats as synthetic oneofs", () => {
    const holder = optionalHolder();
    expect(toAdminJsonString(holder, create(holder))).toBe('{"id":null}');
    const set = fromJson(holder, { maybe_id: { name: "t" }, maybe_count: "0" });
    expect(toAdminJsonString(holder, set)).toBe(
      '{"maybe_id":{"resource_type":"UNSPECIFIED","project":"","domain":"","name":"t","version":"","org":""},' +
        '"maybe_count":"0","id":null}',
    );
  });

  it("writes null for unset proto2 scalars, as Go does", () => {
    expect(toAdminJson(MethodOptionsSchema, create(MethodOptionsSchema))).toEqual({
      deprecated: null,
      idempotency_level: null,
      features: null,
      uninterpreted_option: [],
    });
  });
});

describe("fromAdminJson", () => {
  it("accepts proto and lowerCamel names, null messages, enum names or numbers and int64 as string or number", () => {
    const fromProto = fromAdminJson(ExecutionClosureSchema, {
      phase: "SUCCEEDED",
      created_at: "2023-11-14T22:13:20Z",
      workflow_id: null,
      state_change_details: { occurred_at: null, principal: "me" },
    });
    const fromCamel = fromAdminJson(ExecutionClosureSchema, {
      phase: 4,
      createdAt: "2023-11-14T22:13:20Z",
      stateChangeDetails: { principal: "me" },
    });
    expect(equals(ExecutionClosureSchema, fromProto, fromCamel)).toBe(true);
    expect(fromProto.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const a = fromAdminJson(LiteralSchema, { scalar: { primitive: { integer: "9007199254740993" } } });
    const b = fromAdminJson(LiteralSchema, { scalar: { primitive: { integer: 42 } } });
    expect(
      a.value.case === "scalar" && a.value.value.value.case === "primitive" && a.value.value.value.value.value.value,
    ).toBe(9007199254740993n);
    expect(
      b.value.case === "scalar" && b.value.value.value.case === "primitive" && b.value.value.value.value.value.value,
    ).toBe(42n);
  });

  it("reads back what toAdminJson writes", () => {
    const execution = create(ExecutionSchema, {
      id: workflowExecutionId({ project: "p", domain: "d", name: "n" }),
      closure: { phase: WorkflowExecution_Phase.RUNNING, createdAt: { seconds: 5n, nanos: 7 } },
    });
    for (const names of ["proto", "json"] as const) {
      const json = toAdminJson(ExecutionSchema, execution, { names });
      expect(equals(ExecutionSchema, fromAdminJson(ExecutionSchema, json), execution)).toBe(true);
    }
    const metadata = create(LaunchPlanMetadataSchema, {
      launchConditions: anyPack(NodeExecutionIdentifierSchema, create(NodeExecutionIdentifierSchema, { nodeId: "n0" })),
    });
    const text = toAdminJsonString(LaunchPlanMetadataSchema, metadata);
    expect(equals(LaunchPlanMetadataSchema, fromAdminJsonString(LaunchPlanMetadataSchema, text), metadata)).toBe(true);
  });

  it("rejects unknown fields by their path unless told to ignore them", () => {
    const json = { project: "p", domain: "d", spec: { launch_plan: null, bogus: 1 } };
    const e = caught(() => fromAdminJson(ExecutionCreateRequestSchema, json));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toBe('invalid JSON for flyteidl.admin.ExecutionCreateRequest: unknown field "spec.bogus"');
    expect(fromAdminJson(ExecutionCreateRequestSchema, json, { ignoreUnknownFields: true }).project).toBe("p");
    const inList = caught(() => fromAdminJson(ProjectsSchema, { projects: [{ id: "a" }, { id: "b", colour: "red" }] }));
    expect(inList.rawMessage).toBe('invalid JSON for flyteidl.admin.Projects: unknown field "projects[1].colour"');
    const inMap = caught(() => fromAdminJson(LiteralMapSchema, { literals: { "my key": { scalar: { nope: {} } } } }));
    expect(inMap.rawMessage).toBe(
      'invalid JSON for flyteidl.core.LiteralMap: unknown field "literals[\\"my key\\"].scalar.nope"',
    );
    const inAny = caught(() =>
      fromAdminJson(LaunchPlanMetadataSchema, {
        launch_conditions: { "@type": "type.googleapis.com/flyteidl.core.NodeExecutionIdentifier", extra: 1 },
      }),
    );
    expect(inAny.rawMessage).toBe(
      'invalid JSON for flyteidl.admin.LaunchPlanMetadata: unknown field "launch_conditions.extra"',
    );
  });

  it("rejects values protobuf JSON cannot hold", () => {
    const e = caught(() => fromAdminJson(ProjectSchema, { id: 5 }));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toMatch(
      /^invalid JSON for flyteidl\.admin\.Project: cannot decode field flyteidl\.admin\.Project\.id/,
    );
    const badEnum = caught(() => fromAdminJson(ProjectSchema, { state: "GONE" }));
    expect(badEnum.rawMessage).toMatch(/^invalid JSON for flyteidl\.admin\.Project: .*GONE/);
  });

  it("rejects malformed text and duplicate keys", () => {
    const malformed = caught(() => fromAdminJsonString(ProjectSchema, '{"id": '));
    expect(malformed.code).toBe(Code.InvalidArgument);
    expect(malformed.rawMessage).toMatch(/^invalid JSON for flyteidl\.admin\.Project: malformed JSON: /);
    const duplicate = caught(() => fromAdminJsonString(ProjectSchema, '{"id": "a", "id": "b"}'));
    expect(duplicate.code).toBe(Code.InvalidArgument);
    expect(duplicate.rawMessage).toMatch(/^invalid JSON for flyteidl\.admin\.Project: .*id/);
    expect(fromAdminJsonString(ProjectSchema, '{"id": "a", "bogus": 1}', { ignoreUnknownFields: true }).id).toBe("a");
  });
});

/** `message Holder { optional flyteidl.core.Identifier maybe_id = 1; optional int64 maybe_count = 2; flyteidl.core.Identifier id = 3; }` */
function optionalHolder(): DescMessage {
  const identifier = {
    type: FieldDescriptorProto_Type.MESSAGE,
    typeName: ".flyteidl.core.Identifier",
    label: FieldDescriptorProto_Label.OPTIONAL,
  };
  const file = create(FileDescriptorProtoSchema, {
    name: "test/holder.proto",
    package: "test",
    syntax: "proto3",
    dependency: ["flyteidl/core/identifier.proto"],
    messageType: [
      {
        name: "Holder",
        field: [
          { ...identifier, name: "maybe_id", jsonName: "maybeId", number: 1, proto3Optional: true, oneofIndex: 0 },
          {
            name: "maybe_count",
            jsonName: "maybeCount",
            number: 2,
            type: FieldDescriptorProto_Type.INT64,
            label: FieldDescriptorProto_Label.OPTIONAL,
            proto3Optional: true,
            oneofIndex: 1,
          },
          { ...identifier, name: "id", jsonName: "id", number: 3 },
        ],
        oneofDecl: [{ name: "_maybe_id" }, { name: "_maybe_count" }],
      },
    ],
  });
  const registry = createFileRegistry(file, (name) =>
    name === file_flyteidl_core_identifier.proto.name ? file_flyteidl_core_identifier : undefined,
  );
  const holder = registry.getMessage("test.Holder");
  if (holder === undefined) throw new Error("test.Holder did not load");
  return holder;
}
