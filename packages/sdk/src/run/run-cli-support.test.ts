import { describe, expect, test } from "vitest";
import { FlyteFile, launchPlan, t, task, workflow, type RunEvent } from "../index.js";
import { describeRunInterface } from "./describe-run-inputs.js";
import { formatRunEvent } from "./format-run-event.js";
import { formatRunOutputs, formatRunValue, runValueToJson } from "./format-run-value.js";

describe("formatRunValue", () => {
  test("prints strings as they are, other scalars as text, dates in ISO form and local files as paths", () => {
    expect(
      [
        "Hello, world!",
        42,
        0.5,
        true,
        null,
        12345678901234567890n,
        new Date("2024-05-01T12:00:00Z"),
        FlyteFile.fromUri("file:///tmp/run/raw/data.csv"),
        FlyteFile.fromUri("s3://bucket/data.csv"),
      ].map(formatRunValue),
    ).toEqual([
      "Hello, world!",
      "42",
      "0.5",
      "true",
      "null",
      "12345678901234567890",
      "2024-05-01T12:00:00.000Z",
      "/tmp/run/raw/data.csv",
      "s3://bucket/data.csv",
    ]);
  });

  test("prints records and lists as JSON on one line when short, indented when long", () => {
    expect(formatRunValue({ threshold: 0.6, tags: ["a", "b"], at: new Date(0) })).toBe(
      '{"threshold": 0.6, "tags": ["a", "b"], "at": "1970-01-01T00:00:00.000Z"}',
    );
    const long = Array.from({ length: 30 }, (_, i) => i * 1000);
    expect(formatRunValue({ values: long }).split("\n")).toEqual([
      "{",
      `  "values": [`,
      ...long.map((v, i) => `    ${v}${i === long.length - 1 ? "" : ","}`),
      "  ]",
      "}",
    ]);
  });

  test("makes values plain for JSON: files as URIs, exact 64-bit integers as numbers", () => {
    expect(runValueToJson({ f: FlyteFile.fromUri("s3://b/k"), n: 5n, big: 2n ** 64n, none: undefined })).toEqual({
      f: "s3://b/k",
      n: 5,
      big: "18446744073709551616",
      none: null,
    });
  });
});

describe("formatRunOutputs", () => {
  test("prints a single output's value alone, named outputs one per line, nothing for none", () => {
    expect(formatRunOutputs({ outputs: 9, single: true })).toBe("9\n");
    expect(formatRunOutputs({ outputs: { greeting: "hi", sq: 9 }, single: false })).toBe("greeting: hi\nsq: 9\n");
    expect(formatRunOutputs({ outputs: undefined, single: false })).toBe("");
  });

  test("prints JSON with json: the value itself for a single output, an object otherwise", () => {
    expect(formatRunOutputs({ outputs: "hi", single: true, json: true })).toBe('"hi"\n');
    expect(formatRunOutputs({ outputs: { sq: 9 }, single: false, json: true })).toBe('{\n  "sq": 9\n}\n');
    expect(formatRunOutputs({ outputs: undefined, single: false, json: true })).toBe("{}\n");
  });
});

function event(init: Partial<RunEvent>): RunEvent {
  return {
    kind: "succeeded",
    path: "n0",
    nodeId: "n0",
    nodeKind: "task",
    name: "square",
    element: undefined,
    attempt: 0,
    error: undefined,
    durationMs: 12.4,
    ...init,
  };
}

describe("formatRunEvent", () => {
  test("prints a line for each node that ends, retries or comes from the cache", () => {
    expect(
      [
        event({}),
        event({ kind: "cache-hit", durationMs: undefined }),
        event({ kind: "failed", error: "x is too big\n    at stack" }),
        event({ kind: "timed-out", durationMs: 2500 }),
        event({ kind: "retrying", attempt: 1, error: "flaky" }),
        event({ kind: "aborted" }),
        event({ path: "", nodeId: "squarenode" }),
        event({ path: "n2", name: undefined }),
      ].map(formatRunEvent),
    ).toEqual([
      "✓ n0 square (12ms)",
      "• n0 square (cached)",
      "✗ n0 square (12ms): x is too big",
      "⏱ n0 square timed out (2.5s)",
      "↻ n0 square: attempt 1 failed, retrying: flaky",
      "⊘ n0 square aborted",
      "✓ square (12ms)",
      "✓ n2 (12ms)",
    ]);
  });

  test("leaves out starts, branches not taken and map elements that succeed, but not failed elements", () => {
    expect(
      [
        event({ kind: "started", durationMs: undefined }),
        event({ kind: "skipped" }),
        event({ path: "n1/n3", nodeId: "n3", element: 3 }),
        event({ path: "n1/n3", nodeId: "n3", element: 3, kind: "failed", error: "odd" }),
      ].map(formatRunEvent),
    ).toEqual([undefined, undefined, undefined, "✗ n1/n3 square[3] (12ms): odd"]);
  });
});

describe("describeRunInterface", () => {
  const report = task(
    {
      inputs: { region: t.string().describe("where"), days: t.int(), note: t.optional(t.string()) },
      output: t.string(),
    },
    ({ region }) => region,
  );
  const wf = workflow(
    {
      description: "  Reports.\nIn detail.  ",
      inputs: { region: t.string().describe("where"), days: t.int(), note: t.optional(t.string()) },
      outputs: { text: t.string(), size: t.int() },
      defaults: { days: 7 },
    },
    (inputs) => ({ text: report(inputs), size: 1 }),
  );

  test("lists inputs with their types, descriptions, defaults and whether they are required", () => {
    const described = describeRunInterface(wf);
    expect(described.description).toBe("Reports.\nIn detail.");
    expect(described.singleOutput).toBe(false);
    expect(described.outputs).toEqual([
      { name: "text", typeName: "str" },
      { name: "size", typeName: "int" },
    ]);
    expect(
      described.inputs.map((i) => [i.name, i.type.name, i.description, i.required, i.defaultText, i.fixed]),
    ).toEqual([
      ["region", "str", "where", true, undefined, false],
      ["days", "int", undefined, false, "7", false],
      ["note", "optional<str>", undefined, false, undefined, false],
    ]);
    expect(describeRunInterface(report).singleOutput).toBe(true);
  });

  test("a launch plan's default inputs are defaults and its fixed inputs are marked fixed", () => {
    const plan = launchPlan(wf, { defaultInputs: { region: "eu" }, fixedInputs: { days: 1 } });
    expect(describeRunInterface(plan).inputs.map((i) => [i.name, i.required, i.defaultText, i.fixed])).toEqual([
      ["region", false, "eu", false],
      ["days", false, "1", true],
      ["note", false, undefined, false],
    ]);
  });
});
