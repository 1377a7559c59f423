import { AloftError, Code, datetimeLiteral, integerLiteral, stringLiteral, stringType, integerType } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { LabelsSchema, NotificationSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { InactiveProjectSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { ParameterMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralMapSchema, LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  validateIdentifier,
  validateNamedEntityIdentifierListRequest,
  validateResourceListRequest,
} from "./identifier-validation.js";
import { validateLabels } from "./label-validation.js";
import {
  validateDatetime,
  validateLiteralMap,
  validateOutputData,
  validateParameterMap,
} from "./literal-validation.js";
import { validateNotifications } from "./notification-validation.js";
import { assertProjectActive, assertProjectDomainActive, assertProjectExists } from "./project-domain-gate.js";

/** Runs `fn` and returns the AloftError it throws. */
async function failure(fn: () => unknown): Promise<AloftError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AloftError) return error;
    throw error;
  }
  throw new Error("expected an AloftError");
}

const taskId = (overrides: Partial<{ project: string; domain: string; name: string; version: string }> = {}) =>
  create(IdentifierSchema, {
    resourceType: ResourceType.TASK,
    project: "p",
    domain: "d",
    name: "n",
    version: "v",
    ...overrides,
  });

describe("identifier validation", () => {
  it("names the first missing identifier field as flyteadmin does", async () => {
    expect((await failure(() => validateIdentifier(undefined, ResourceType.TASK))).rawMessage).toBe("missing id");
    for (const field of ["project", "domain", "name", "version"] as const) {
      const error = await failure(() => validateIdentifier(taskId({ [field]: "" }), ResourceType.TASK));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe(`missing ${field}`);
    }
  });

  it("rejects a resource type other than the expected one with flyteadmin's message", async () => {
    const error = await failure(() => validateIdentifier(taskId(), ResourceType.WORKFLOW));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(
      'unexpected resource type task for identifier [resource_type:TASK project:"p" domain:"d" name:"n" version:"v"], expected workflow instead',
    );
  });

  it("requires project, domain and a non-zero limit on list requests", async () => {
    expect((await failure(() => validateResourceListRequest({ limit: 1 }))).rawMessage).toBe("missing id");
    expect(
      (await failure(() => validateResourceListRequest({ id: { project: "p", domain: "d" } as never, limit: 0 })))
        .rawMessage,
    ).toBe("invalid value for limit");
    expect(
      (await failure(() => validateNamedEntityIdentifierListRequest({ project: "p", domain: "", limit: 1 })))
        .rawMessage,
    ).toBe("missing domain");
  });
});

describe("label validation", () => {
  it("accepts valid Kubernetes labels and nothing at all", () => {
    expect(() => validateLabels(undefined)).not.toThrow();
    expect(() =>
      validateLabels(create(LabelsSchema, { values: { "example.com/key": "value_1", key: "" } })),
    ).not.toThrow();
  });

  it("rejects a bad label value with the Kubernetes message (TestUpdateProjectLabels_BadLabels)", async () => {
    const error = await failure(() => validateLabels(create(LabelsSchema, { values: { foo: "#bar" } })));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(
      "invalid label value [#bar]: [a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]",
    );
  });

  it("rejects a bad label key and more than 16 labels", async () => {
    const key = await failure(() => validateLabels(create(LabelsSchema, { values: { "-bad": "x" } })));
    expect(key.rawMessage).toMatch(/^invalid label key \[-bad\]: \[name part must consist of alphanumeric/);
    const values = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
    const many = await failure(() => validateLabels(create(LabelsSchema, { values })));
    expect(many.rawMessage).toBe("labels map cannot exceed 16 entries");
  });
});

describe("literal validation", () => {
  it("requires a key and a value for every literal map entry", async () => {
    const missing = create(LiteralMapSchema, { literals: { a: create(LiteralSchema) } });
    expect((await failure(() => validateLiteralMap(missing, "fixed_inputs"))).rawMessage).toBe(
      "missing valid literal in fixed_inputs a",
    );
    const unnamed = create(LiteralMapSchema, { literals: { "": integerLiteral(1) } });
    expect((await failure(() => validateLiteralMap(unnamed, "inputs"))).rawMessage).toBe("missing key in inputs");
    expect(() =>
      validateLiteralMap(create(LiteralMapSchema, { literals: { a: stringLiteral("x") } }), "inputs"),
    ).not.toThrow();
  });

  it("rejects datetimes outside protobuf's range", async () => {
    const early = datetimeLiteral(new Date(Date.UTC(2000, 0, 1)));
    expect(() => validateDatetime(early)).not.toThrow();
    const literal = create(LiteralSchema, {
      value: {
        case: "scalar",
        value: {
          value: { case: "primitive", value: { value: { case: "datetime", value: { seconds: -62_135_596_801n } } } },
        },
      },
    });
    expect((await failure(() => validateDatetime(literal))).rawMessage).toBe(
      "proto: timestamp (seconds:-62135596801) before 0001-01-01",
    );
  });

  it("checks default inputs as flyteadmin does", async () => {
    const neither = create(ParameterMapSchema, { parameters: { a: { var: { type: stringType() } } } });
    expect((await failure(() => validateParameterMap(neither, "default_inputs"))).rawMessage).toBe(
      "Invalid variable a in default_inputs - variable has neither default, nor is required. One must be specified",
    );
    const untyped = create(ParameterMapSchema, { parameters: { a: { behavior: { case: "required", value: true } } } });
    expect((await failure(() => validateParameterMap(untyped, "default_inputs"))).rawMessage).toBe(
      "The Variable component of the Parameter a in default_inputs either is missing, or has a missing Type",
    );
    const mismatched = create(ParameterMapSchema, {
      parameters: { a: { var: { type: integerType() }, behavior: { case: "default", value: stringLiteral("x") } } },
    });
    expect((await failure(() => validateParameterMap(mismatched, "default_inputs"))).rawMessage).toBe(
      "Type mismatch for Parameter a in default_inputs has type integer, expected string",
    );
    const artifact = create(ParameterMapSchema, {
      parameters: { a: { var: { type: integerType() }, behavior: { case: "artifactQuery", value: {} } } },
    });
    expect((await failure(() => validateParameterMap(artifact, "default_inputs"))).rawMessage).toBe(
      "artifact mode not enabled but query found default_inputs a",
    );
    expect(() => validateParameterMap(artifact, "default_inputs", { allowArtifacts: true })).not.toThrow();
  });

  it("limits inline output data by serialized size", async () => {
    const outputs = create(LiteralMapSchema, { literals: { a: stringLiteral("x".repeat(100)) } });
    expect(() => validateOutputData(outputs, 1000)).not.toThrow();
    const error = await failure(() => validateOutputData(outputs, 10));
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.rawMessage).toMatch(/^Output data size exceeds platform configured threshold \(\d+ > 10\)$/);
  });
});

describe("notification validation", () => {
  it("requires recipients and terminal phases", async () => {
    const email = (recipients: string[], phases: WorkflowExecution_Phase[]) =>
      create(NotificationSchema, { phases, type: { case: "email", value: { recipientsEmail: recipients } } });
    expect(() => validateNotifications([email(["a@b.c"], [WorkflowExecution_Phase.FAILED])])).not.toThrow();
    expect((await failure(() => validateNotifications([email([], [])]))).rawMessage).toBe("missing recipients");
    expect((await failure(() => validateNotifications([email([""], [])]))).rawMessage).toBe("missing recipient");
    expect(
      (await failure(() => validateNotifications([email(["a"], [WorkflowExecution_Phase.RUNNING])]))).rawMessage,
    ).toBe("invalid value for phase");
    expect((await failure(() => validateNotifications([create(NotificationSchema)]))).rawMessage).toBe(
      "invalid value for notification type",
    );
  });
});

describeEachDialect("project-domain gate", (db) => {
  const domains = [{ id: "development" }, { id: "production" }];
  const register = (identifier: string, state = 0) =>
    db().repos.projects.create({ identifier, name: identifier, description: "", labels: null, state });

  it("passes for an active project and a configured domain", async () => {
    await register("admintests");
    const row = await assertProjectDomainActive(
      { projects: db().repos.projects, domains },
      "admintests",
      "development",
    );
    expect(row.identifier).toBe("admintests");
  });

  it("rejects an unknown project with flyteadmin's message", async () => {
    const error = await failure(() =>
      assertProjectDomainActive({ projects: db().repos.projects, domains }, "nope", "development"),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(
      "failed to validate that project [nope] and domain [development] are registered, err: [project [nope] not found]",
    );
  });

  it("rejects an archived project with the InactiveProject detail", async () => {
    await register("archived", 1);
    const error = await failure(() =>
      assertProjectDomainActive({ projects: db().repos.projects, domains }, "archived", "development"),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe("project [archived] is not active");
    expect(error.details).toEqual([create(InactiveProjectSchema, { id: "archived" })]);
    const update = await failure(() => assertProjectActive(db().repos.projects, "archived"));
    expect(update.rawMessage).toBe("project [archived] is not active");
    expect((await assertProjectExists(db().repos.projects, "archived")).state).toBe(1);
  });

  it("rejects a domain the system does not know", async () => {
    await register("admintests");
    const error = await failure(() =>
      assertProjectDomainActive({ projects: db().repos.projects, domains }, "admintests", "staging"),
    );
    expect(error.rawMessage).toBe("domain [staging] is unrecognized by system");
  });
});
