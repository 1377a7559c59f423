import { create } from "@bufbuild/protobuf";
import { AloftError, Code } from "@aloft/idl";
import { ProjectSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { describe, expect, it } from "vitest";
import { DEFAULT_MARSHALER, JSON_PROTO_NAMES_MARSHALER, marshalersForRequest, PROTO_MARSHALER } from "./marshalers.js";

const pick = (accept: string[], contentType: string[]) => {
  const { inbound, outbound } = marshalersForRequest({ accept, contentType });
  return [inbound.mime, outbound.mime];
};

describe("marshalersForRequest", () => {
  it("takes the outbound marshaler from an exact Accept value, else from the inbound one", () => {
    expect(pick(["application/octet-stream"], [])).toEqual(["*", "application/octet-stream"]);
    expect(pick(["application/json"], ["application/octet-stream"])).toEqual([
      "application/octet-stream",
      "application/json",
    ]);
    expect(pick(["text/html", "application/json"], [])).toEqual(["*", "application/json"]);
    // A list in one Accept header is not an exact value: grpc-gateway falls back to Content-Type.
    expect(pick(["application/json, text/plain"], ["application/octet-stream"])).toEqual([
      "application/octet-stream",
      "application/octet-stream",
    ]);
    expect(pick(["*/*"], [])).toEqual(["*", "*"]);
  });

  it("takes the inbound marshaler from the Content-Type media type, parameters and case ignored", () => {
    expect(pick([], ["Application/JSON; charset=utf-8"])).toEqual(["application/json", "application/json"]);
    expect(pick([], ["text/plain"])).toEqual(["*", "*"]);
    expect(pick([], ["not a type", "application/octet-stream"])).toEqual([
      "application/octet-stream",
      "application/octet-stream",
    ]);
  });
});

describe("the marshalers", () => {
  const project = create(ProjectSchema, { id: "p", name: "P", labels: { values: { team: "ml" } } });

  it("write proto names for application/json and lowerCamel names otherwise, unset messages as null", () => {
    expect(JSON.parse(JSON_PROTO_NAMES_MARSHALER.encode(ProjectSchema, project) as string)).toEqual({
      id: "p",
      name: "P",
      domains: [],
      description: "",
      labels: { values: { team: "ml" } },
      state: "ACTIVE",
      org: "",
    });
    const camel = create(ProjectSchema, { id: "p" });
    expect(JSON.parse(DEFAULT_MARSHALER.encode(ProjectSchema, camel) as string)).toEqual({
      id: "p",
      name: "",
      domains: [],
      description: "",
      labels: null,
      state: "ACTIVE",
      org: "",
    });
  });

  it("read blank bodies as empty messages and reject unknown fields only for application/json", () => {
    expect(JSON_PROTO_NAMES_MARSHALER.decode(ProjectSchema, Buffer.from("  \n"))).toEqual(create(ProjectSchema));
    expect(PROTO_MARSHALER.decode(ProjectSchema, new Uint8Array())).toEqual(create(ProjectSchema));
    expect(DEFAULT_MARSHALER.decode(ProjectSchema, Buffer.from('{"id":"p","extra":1}')).id).toBe("p");
    let error: unknown;
    try {
      JSON_PROTO_NAMES_MARSHALER.decode(ProjectSchema, Buffer.from('{"id":"p","extra":1}'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AloftError);
    expect((error as AloftError).code).toBe(Code.InvalidArgument);
    expect((error as AloftError).rawMessage).toBe('invalid JSON for flyteidl.admin.Project: unknown field "extra"');
  });

  it("reject malformed protobuf as InvalidArgument", () => {
    let error: unknown;
    try {
      PROTO_MARSHALER.decode(ProjectSchema, new Uint8Array([0x0a, 0x05, 0x61]));
    } catch (e) {
      error = e;
    }
    expect((error as AloftError).code).toBe(Code.InvalidArgument);
    expect((error as AloftError).rawMessage).toMatch(/^invalid protobuf for flyteidl\.admin\.Project: /);
  });
});
