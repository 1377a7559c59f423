import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { CompiledTaskSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { describe, expect, it } from "vitest";
import { digestsEqual, taskDigest } from "./digest.js";
import { differentStructureMessage } from "./registration-diff.js";

function compiled(custom: Record<string, unknown>, config: Record<string, string>) {
  return create(CompiledTaskSchema, {
    template: create(TaskTemplateSchema, { type: "python-task", custom: custom as never, config }),
  });
}

describe("registration digests", () => {
  it("do not depend on map or struct key order", () => {
    const a = compiled({ x: 1, y: { p: true, q: "s" } }, { a: "1", b: "2" });
    const b = compiled({ y: { q: "s", p: true }, x: 1 }, { b: "2", a: "1" });
    expect(toBinary(CompiledTaskSchema, a)).not.toEqual(toBinary(CompiledTaskSchema, b));
    expect(digestsEqual(taskDigest(a), taskDigest(b))).toBe(true);
    const roundTripped = fromBinary(CompiledTaskSchema, toBinary(CompiledTaskSchema, b));
    expect(digestsEqual(taskDigest(a), taskDigest(roundTripped))).toBe(true);
  });

  it("differ when the content differs, and a missing stored digest never matches", () => {
    const a = compiled({ x: 1 }, {});
    const b = compiled({ x: 2 }, {});
    expect(digestsEqual(taskDigest(a), taskDigest(b))).toBe(false);
    expect(digestsEqual(null, taskDigest(a))).toBe(false);
    expect(taskDigest(a)).toHaveLength(32);
  });
});

describe("different-structure messages", () => {
  it("list each changed path with the stored and the new value, as flyteadmin's diff", () => {
    const message = differentStructureMessage(
      "t task with different structure already exists:\n",
      CompiledTaskSchema,
      compiled({ x: 1, gone: "y" }, { a: "1" }),
      compiled({ x: 2, added: [1, 2] }, { a: "1" }),
    );
    expect(message).toBe(
      "t task with different structure already exists:\n" +
        "/template/custom/added:\n\t- <nil> \n\t+ [1 2]\n" +
        "/template/custom/gone:\n\t- y \n\t+ <nil>\n" +
        "/template/custom/x:\n\t- 1 \n\t+ 2",
    );
  });
});
