import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, test } from "vitest";
import { integerLiteral, stringLiteral } from "@aloft/idl";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { LiteralMapSchema, LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  INVALID,
  SETTINGS,
  executionContext,
  exportFrom,
  json,
  rejected,
  siteOf,
  thrown,
} from "../authoring.test-helper.js";
import { serializeTask } from "../serialize/serialize-task.js";
import { t } from "../types/index.js";
import { findTask, listEntities } from "./registry.js";
import { task } from "./task.js";

const FILE = new URL(import.meta.url).pathname;
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function ctx() {
  const c = await executionContext();
  cleanups.push(c.cleanup);
  return c.ctx;
}

describe("task()", () => {
  test("runs its body on literal inputs and returns the outputs as literals", async () => {
    const greet = task(
      { inputs: { name: t.string(), times: t.int() }, outputs: { greeting: t.string(), length: t.int() } },
      async ({ name, times }) => {
        const greeting = `Hello, ${name}!`.repeat(times);
        return { greeting, length: greeting.length };
      },
    );
    const inputs = create(LiteralMapSchema, { literals: { name: stringLiteral("Ada"), times: integerLiteral(2) } });
    const result = await greet.executeLiterals(inputs, await ctx());
    expect(result.kind).toBe("outputs");
    const outputs = result.kind === "outputs" ? result.outputs : undefined;
    expect(json(LiteralMapSchema, outputs ?? create(LiteralMapSchema))).toEqual({
      literals: {
        greeting: { scalar: { primitive: { stringValue: "Hello, Ada!Hello, Ada!" } } },
        length: { scalar: { primitive: { integer: "22" } } },
      },
    });
  });

  test("a single output is named o0 and the body returns the value itself", async () => {
    const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);
    const result = await square.executeLiterals(
      create(LiteralMapSchema, { literals: { x: integerLiteral(7) } }),
      await ctx(),
    );
    expect(
      result.kind === "outputs" && json(LiteralSchema, result.outputs.literals["o0"] ?? create(LiteralSchema)),
    ).toEqual({
      scalar: { primitive: { integer: "49" } },
    });
  });

  test("a task without outputs returns an empty literal map", async () => {
    const noop = task({ inputs: {} }, async () => {});
    const result = await noop.executeLiterals(create(LiteralMapSchema), await ctx());
    expect(result).toEqual({ kind: "outputs", outputs: create(LiteralMapSchema) });
  });

  test("an optional input missing from the literals is null", async () => {
    const f = task({ inputs: { x: t.optional(t.int()) }, output: t.boolean() }, ({ x }) => x === null);
    const result = await f.executeLiterals(create(LiteralMapSchema), await ctx());
    expect(result.kind === "outputs" && json(LiteralMapSchema, result.outputs)).toEqual({
      literals: { o0: { scalar: { primitive: { boolean: true } } } },
    });
  });

  test("a missing required input is an InvalidArgument error naming it", async () => {
    const f = task({ name: "needs.x", inputs: { x: t.int() }, output: t.int() }, ({ x }) => x);
    const e = await rejected(f.executeLiterals(create(LiteralMapSchema), await ctx()));
    expect(e.code).toBe(INVALID);
    expect(e.rawMessage).toBe('task needs.x: input "x" is missing');
  });

  test("a body that leaves out an output fails naming the output", async () => {
    const f = task({ name: "half", outputs: { a: t.int(), b: t.int() } }, () => ({ a: 1 }) as never);
    const e = await rejected(f.executeLiterals(create(LiteralMapSchema), await ctx()));
    expect(e.code).toBe(INVALID);
    expect(e.rawMessage).toBe('task half returned no value for output "b"');
  });

  test("an output value of the wrong type fails naming the output", async () => {
    const f = task({ name: "wrong", output: t.int() }, () => "seven" as never);
    const e = await rejected(f.executeLiterals(create(LiteralMapSchema), await ctx()));
    expect(e.code).toBe(INVALID);
    expect(e.rawMessage).toBe('outputs.o0: expected integer, got "seven"');
  });

  test("a failure of the body is thrown as it is", async () => {
    const boom = task({}, () => {
      throw new RangeError("boom");
    });
    await expect(boom.executeLiterals(create(LiteralMapSchema), await ctx())).rejects.toThrow(RangeError);
  });

  test("the body sees the execution context and can checkpoint", async () => {
    const c = await ctx();
    const withPrefixes = {
      ...c,
      checkpointPrefix: `${c.rawOutputPrefix}/cp1`,
      previousCheckpointPrefix: `${c.rawOutputPrefix}/cp0`,
    };
    await c.store.put(`${c.rawOutputPrefix}/cp0/_dst_cp`, "step 3");
    const resume = task({ output: t.string() }, async (_inputs, context) => {
      const previous = new TextDecoder().decode(await context.checkpoint.read());
      await context.checkpoint.write("step 4");
      return `${context.nodeId}@${context.attempt}: ${previous}`;
    });
    const result = await resume.executeLiterals(create(LiteralMapSchema), withPrefixes);
    expect(result.kind === "outputs" && json(LiteralMapSchema, result.outputs)).toEqual({
      literals: { o0: { scalar: { primitive: { stringValue: "n0@0: step 3" } } } },
    });
    expect(new TextDecoder().decode(await c.store.get(`${c.rawOutputPrefix}/cp1/_dst_cp`))).toBe("step 4");
  });

  test("registers itself so the entrypoint can find it by name, even when not exported", () => {
    const hidden = task({ name: "tests.hidden.task" }, () => {});
    expect(findTask("tests.hidden.task")).toBe(hidden);
    expect(listEntities("task")).toContain(hidden);
  });

  test("is named after its module and export once the loader places it", () => {
    const placed = task({}, () => {});
    expect(placed.name).toBeUndefined();
    exportFrom("examples/basics/hello", { placed });
    expect(placed.name).toBe("examples.basics.hello.placed");
    expect(placed.location).toEqual({ module: "examples/basics/hello", exportName: "placed" });
    expect(findTask("examples.basics.hello.placed")).toBe(placed);
  });

  test("cache: true takes a version hashed from the function's source, which changes with the code", () => {
    const a = task({ name: "cache.a", cache: true }, () => 1 as never);
    const b = task({ name: "cache.b", cache: true }, () => 2 as never);
    const a2 = task({ name: "cache.a2", cache: { serialize: true } }, () => 1 as never);
    exportFrom("m", { a, b, a2 });
    const version = (x: typeof a) => serializeTask(x, SETTINGS).template?.metadata?.discoveryVersion;
    expect(version(a)).toMatch(/^[0-9a-f]{20}$/);
    expect(version(a2)).toBe(version(a));
    expect(version(b)).not.toBe(version(a));
  });
});

describe("task() refuses bad declarations at their call site", () => {
  test("an unknown option", () => {
    const e = thrown(() => task({ retrys: 3 } as never, () => {})); // @unknown-option
    expect(e.code).toBe(INVALID);
    expect(e.rawMessage).toBe(`${siteOf(FILE, "@unknown-option", "task(")}: task: unknown option "retrys"`);
  });

  test("both output and outputs", () => {
    const e = thrown(() => task({ name: "both", output: t.int(), outputs: { a: t.int() } } as never, () => {})); // @both
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@both", "task(")}: both: give either output (one value) or outputs (named values), not both`,
    );
  });

  test("an input that is not a type", () => {
    const e = thrown(() => task({ name: "bad.input", inputs: { x: 3 } } as never, () => {})); // @not-a-type
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@not-a-type", "task(")}: inputs of bad.input: "x" is not a type made by t.* (got 3)`,
    );
  });

  test("an output name that collides with the methods of call results", () => {
    const e = thrown(() => task({ name: "clash", outputs: { after: t.int() } }, () => ({ after: 1 }))); // @clash
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@clash", "task(")}: output "after" of clash collides with a method of call results ` +
        "(withOverrides, after, at, key, then, constructor, toString, toJSON, valueOf, __proto__, __ref); rename it",
    );
  });

  test("negative retries", () => {
    const e = thrown(() => task({ name: "neg", retries: -1 }, () => {})); // @retries
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@retries", "task(")}: neg: retries must be a non-negative integer, got -1`,
    );
  });

  test("cache.ignoredInputs naming something that is not an input", () => {
    const e = thrown(() =>
      task({ name: "ign", inputs: { a: t.int() }, cache: { version: "1", ignoredInputs: ["b"] } }, () => {}),
    ); // @ignored
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@ignored", "task(")}: ign: cache.ignoredInputs names "b", which is not an input`,
    );
  });

  test("a secret without a group", () => {
    const e = thrown(() => task({ name: "sec", secrets: [{ group: "" }] }, () => {})); // @secret
    expect(e.rawMessage).toBe(`${siteOf(FILE, "@secret", "task(")}: sec: secrets: a secret needs a group`);
  });
});

test("a serialized task spec round-trips through protobuf JSON", () => {
  const rt = task({ name: "rt.task", inputs: { a: t.list(t.float()) }, output: t.float() }, ({ a }) => a.length);
  exportFrom("rt", { rt });
  const spec = serializeTask(rt, SETTINGS);
  expect(json(TaskSpecSchema, spec)).toEqual(json(TaskSpecSchema, spec));
});
