import { describe, expect, test } from "vitest";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { INVALID, SETTINGS, exportFrom, json, siteOf, thrown } from "../authoring.test-helper.js";
import { task } from "../entities/task.js";
import { workflow } from "../entities/workflow.js";
import { compileEntities } from "../serialize/compile-entities.js";
import { serializeWorkflow } from "../serialize/serialize-workflow.js";
import { t } from "../types/index.js";
import { and, conditional, eq, gt, gte, isFalse, isNone, isTrue, lt, lte, ne, or } from "./conditional.js";

const FILE = new URL(import.meta.url).pathname;
const ID = { project: SETTINGS.project, domain: SETTINGS.domain, version: SETTINGS.version };

const double = task({ inputs: { n: t.float() }, output: t.float() }, ({ n }) => n * 2);
const square = task({ inputs: { n: t.float() }, output: t.float() }, ({ n }) => n * n);
const isEven = task({ inputs: { n: t.int() }, output: t.boolean() }, ({ n }) => n % 2 === 0);
exportFrom("examples/branches", { double, square, isEven });

const taskNode = (id: string, name: string, metaName: string, inputs: unknown[]) => ({
  id,
  metadata: { name: metaName, retries: {} },
  inputs,
  taskNode: { referenceId: { resourceType: "TASK", ...ID, name }, overrides: {} },
});
const fromInput = (v: string) => ({ promise: { var: v } });

function compiles(wf: Parameters<typeof serializeWorkflow>[0]): void {
  const result = compileEntities({ roots: [wf], settings: SETTINGS });
  expect(result.ok ? [] : result.errors).toEqual([]);
}

describe("conditional()", () => {
  test("serializes as flytekit's BranchNode: conditions, case nodes numbered in their own sequence, inputs named <node>.<var>", () => {
    const fractions = workflow({ inputs: { my_input: t.float() }, output: t.float() }, ({ my_input }) =>
      conditional("fractions")
        .if(and(gt(my_input, 0.1), lt(my_input, 1)), () => double({ n: my_input }))
        .elif(or(gte(my_input, 1), lte(my_input, -10)), () => square({ n: my_input }))
        .fail("The input must be between 0 and 10"),
    );
    exportFrom("examples/fractions", { fractions });
    const template = (
      json(WorkflowSpecSchema, serializeWorkflow(fractions, SETTINGS)) as { template: Record<string, unknown> }
    ).template;
    const cmp = (operator: string, right: unknown) => ({
      comparison: { operator, leftValue: { var: ".my_input" }, rightValue: { primitive: right } },
    });
    expect(template["nodes"]).toEqual([
      {
        id: "n0",
        metadata: { name: "fractions", retries: {} },
        inputs: [{ var: ".my_input", binding: fromInput("my_input") }],
        branchNode: {
          ifElse: {
            case: {
              condition: {
                conjunction: {
                  leftExpression: cmp("GT", { floatValue: 0.1 }),
                  rightExpression: cmp("LT", { floatValue: 1 }),
                },
              },
              thenNode: taskNode("n0", "examples.branches.double", "double", [
                { var: "n", binding: fromInput("my_input") },
              ]),
            },
            other: [
              {
                condition: {
                  conjunction: {
                    operator: "OR",
                    leftExpression: cmp("GTE", { floatValue: 1 }),
                    rightExpression: cmp("LTE", { floatValue: -10 }),
                  },
                },
                thenNode: taskNode("n1", "examples.branches.square", "square", [
                  { var: "n", binding: fromInput("my_input") },
                ]),
              },
            ],
            error: { failedNodeId: "fractions", message: "The input must be between 0 and 10" },
          },
        },
      },
    ]);
    expect(template["outputs"]).toEqual([{ var: "o0", binding: { promise: { nodeId: "n0", var: "o0" } } }]);
    compiles(fractions);
  });

  test("conditions may read node outputs, which become the branch node's inputs and upstream nodes", () => {
    const wf = workflow({ inputs: { n: t.int(), x: t.float() }, output: t.float() }, ({ n, x }) => {
      const even = isEven({ n });
      return conditional("parity")
        .if(isTrue(even), () => double({ n: x }))
        .else(() => square({ n: x }));
    });
    exportFrom("examples/parity", { wf });
    const nodes = (
      json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as { template: { nodes: Record<string, unknown>[] } }
    ).template.nodes;
    expect(nodes[1]).toMatchObject({
      id: "n1",
      inputs: [{ var: "n0.o0", binding: { promise: { nodeId: "n0", var: "o0" } } }],
      upstreamNodeIds: ["n0"],
      branchNode: {
        ifElse: {
          case: {
            condition: {
              comparison: { leftValue: { var: "n0.o0" }, rightValue: { primitive: { boolean: true } } },
            },
            thenNode: { id: "n0" },
          },
          elseNode: { id: "n1" },
        },
      },
    });
    compiles(wf);
  });

  test("nested conditionals are case nodes themselves", () => {
    const wf = workflow({ inputs: { x: t.float() }, output: t.float() }, ({ x }) =>
      conditional("outer")
        .if(gt(x, 0), () =>
          conditional("inner")
            .if(lt(x, 0.5), () => double({ n: x }))
            .else(() => square({ n: x })),
        )
        .else(() => double({ n: x })),
    );
    exportFrom("examples/nested", { wf });
    const nodes = (
      json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as { template: { nodes: Record<string, unknown>[] } }
    ).template.nodes;
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      id: "n0",
      branchNode: {
        ifElse: {
          case: {
            thenNode: {
              id: "n0",
              metadata: { name: "inner" },
              branchNode: { ifElse: { case: { thenNode: { id: "n0" } }, elseNode: { id: "n1" } } },
            },
          },
          elseNode: { id: "n1" },
        },
      },
    });
    compiles(wf);
  });

  test("constants take the type of the ref they are compared with", () => {
    const wf = workflow({ inputs: { i: t.int(), f: t.float(), s: t.string() }, output: t.float() }, ({ i, f, s }) =>
      conditional("typed")
        .if(and(eq(i, 3), ne(f, 3), eq(s, "3")), () => double({ n: f }))
        .else(() => square({ n: f })),
    );
    exportFrom("examples/typed", { wf });
    const text = JSON.stringify(json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)));
    expect(text).toContain('"rightValue":{"primitive":{"integer":"3"}}');
    expect(text).toContain('"operator":"NEQ","leftValue":{"var":".f"},"rightValue":{"primitive":{"floatValue":3}}');
    expect(text).toContain('"rightValue":{"primitive":{"stringValue":"3"}}');
    compiles(wf);
  });

  test("isNone serializes as flytekit's is_none (a comparison with the scalar none) and compiles on Aloft", () => {
    const maybe = workflow({ inputs: { x: t.optional(t.float()) }, output: t.float() }, ({ x }) =>
      conditional("maybe")
        .if(isNone(x), () => double({ n: 0 }))
        .elif(ne(x, null), () => square({ n: 2 }))
        .else(() => double({ n: 1 })),
    );
    exportFrom("examples/maybe", { maybe });
    const template = (
      json(WorkflowSpecSchema, serializeWorkflow(maybe, SETTINGS)) as {
        template: { nodes: { branchNode: { ifElse: { case: unknown; other: { condition: unknown }[] } } }[] };
      }
    ).template;
    const ifElse = template.nodes[0]?.branchNode.ifElse;
    expect((ifElse?.case as { condition: unknown }).condition).toEqual({
      // EQ is the enum's zero value, so protobuf JSON leaves it out.
      comparison: { leftValue: { var: ".x" }, rightValue: { scalar: { noneType: {} } } },
    });
    expect(ifElse?.other[0]?.condition).toEqual({
      comparison: { operator: "NEQ", leftValue: { var: ".x" }, rightValue: { scalar: { noneType: {} } } },
    });
    compiles(maybe);
  });

  test("refuses what Flyte cannot compare, at the call", () => {
    const inWorkflow = (body: (x: never, s: never, b: never) => unknown) =>
      thrown(() =>
        workflow({ inputs: { x: t.int(), s: t.string(), b: t.boolean() }, output: t.float() }, ({ x, s, b }) => {
          body(x as never, s as never, b as never);
          return double({ n: 1 });
        }),
      );
    const mismatch = inWorkflow((x, s) => eq(x, s)); // @two-types
    expect(mismatch.code).toBe(INVALID);
    expect(mismatch.rawMessage).toBe(
      `${siteOf(FILE, "@two-types", "eq(")}: eq(): both sides must have the same type, got a integer ref from workflow input x and a string ref from workflow input s`,
    );
    const wrongConstant = inWorkflow((x) => gt(x, "a" as never)); // @wrong-constant
    expect(wrongConstant.rawMessage).toBe(
      `${siteOf(FILE, "@wrong-constant", "gt(")}: gt(): cannot compare a integer ref with "a"`,
    );
    const none = inWorkflow((x) => isNone(x)); // @is-none
    expect(none.rawMessage).toBe(
      `${siteOf(FILE, "@is-none", "isNone(")}: isNone(): a integer ref from workflow input x is not optional, so it is never none`,
    );
    const notACondition = inWorkflow((_x, _s, b) => conditional("c").if(b, () => double({ n: 1 }))); // @not-condition
    expect(notACondition.rawMessage).toBe(
      `${siteOf(FILE, "@not-condition", "if(")}: conditional "c".if(): expected a condition made by eq, ne, gt, gte, lt, lte, ` +
        "and, or, isTrue, isFalse or isNone; JS operators (==, <, &&) cannot be used on refs",
    );
    const twoCalls = inWorkflow((_x, _s, b) =>
      conditional("two")
        .if(isFalse(b), () => {
          // @two-calls
          double({ n: 1 });
          return double({ n: 2 });
        })
        .else(() => double({ n: 3 })),
    );
    expect(twoCalls.rawMessage).toBe(
      `${siteOf(FILE, "@two-calls", "if(")}: conditional "two".if(): a branch must make exactly one call (a task, ` +
        "workflow, launch plan or nested conditional), it made 2",
    );
  });
});
