import { join } from "node:path";
import { create, fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { IdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  ConnectionSetSchema,
  type CompiledWorkflow,
  type CompiledWorkflowClosure,
} from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { LiteralTypeSchema, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { WorkflowTemplateSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { findSharedFixtures, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import { compilePackage, loadPackage, type FlytekitPackage } from "./flytekit-package.test-helper.js";
import { compileWorkflow, formatCompileError, validateLaunchPlanInputs, type LaunchPlanInterface } from "./index.js";

const shared = findSharedFixtures();
const packagesDir = shared === undefined ? "" : join(shared, "flytekit-serialized");

function connectionsOf(wf: CompiledWorkflow | undefined): unknown {
  return toJson(ConnectionSetSchema, wf?.connections ?? create(ConnectionSetSchema));
}

function type(json: JsonValue): LiteralType {
  return fromJson(LiteralTypeSchema, json);
}

if (shared === undefined) {
  it.skip(`compiles the packages written by flytekit (${SHARED_FIXTURES_MISSING})`, () => {});
} else {
  describe("compiling packages written by flytekit", () => {
    it.each([
      ["flytesnacks-core.tgz", 21],
      ["valid-package.tgz", 1],
      ["valid-register.tgz", 1],
    ])("compiles every workflow in %s", async (file, count) => {
      const pkg = await loadPackage(join(packagesDir, file));
      const compiled = compilePackage(pkg);
      expect(pkg.workflows.length).toBe(count);
      expect(compiled.size).toBe(count);
      for (const closure of compiled.values()) {
        expect(closure.primary?.template?.nodes.slice(0, 2).map((n) => n.id)).toEqual(["start-node", "end-node"]);
      }
    });
  });

  describe("closures of the flytesnacks core examples", () => {
    let pkg: FlytekitPackage;
    let closures: Map<string, CompiledWorkflowClosure>;
    const closure = (name: string): CompiledWorkflowClosure => {
      const c = closures.get(`core.control_flow.${name}`);
      if (c === undefined) throw new Error(`no closure for ${name}`);
      return c;
    };

    beforeAll(async () => {
      pkg = await loadPackage(join(packagesDir, "flytesnacks-core.tgz"));
      closures = compilePackage(pkg);
    });

    it("renames branch cases after their branch node and wires them upstream only", () => {
      const primary = closure("run_merge_sort.merge_sort").primary;
      const branch = primary?.template?.nodes.find((n) => n.id === "n0");
      const ifElse = branch?.target.case === "branchNode" ? branch.target.value.ifElse : undefined;
      expect(ifElse?.case?.thenNode?.id).toBe("n0-n0");
      expect(ifElse?.default.case === "elseNode" ? ifElse.default.value.id : undefined).toBe("n0-n1");
      // The case nodes read workflow inputs: their empty promise node ids now name the start node.
      const thenInput = ifElse?.case?.thenNode?.inputs[0]?.binding?.value;
      expect(thenInput?.case === "promise" ? thenInput.value.nodeId : undefined).toBe("start-node");
      expect(connectionsOf(primary)).toEqual({
        downstream: { n0: { ids: ["end-node"] }, "start-node": { ids: ["n0"] } },
        upstream: {
          "end-node": { ids: ["n0"] },
          n0: { ids: ["start-node"] },
          "n0-n0": { ids: ["start-node"] },
          "n0-n1": { ids: ["start-node"] },
        },
      });
    });

    it("chains a map task between the workflow input and its consumer", () => {
      const c = closure("map_task.my_map_workflow");
      expect(connectionsOf(c.primary)).toEqual({
        downstream: { n0: { ids: ["n1"] }, n1: { ids: ["end-node"] }, "start-node": { ids: ["n0"] } },
        upstream: { "end-node": { ids: ["n1"] }, n0: { ids: ["start-node"] }, n1: { ids: ["n0"] } },
      });
      const mapTask = c.tasks.find((t) => t.template?.type === "container_array")?.template;
      const listOfInts = type({ collectionType: { simple: "INTEGER" } });
      expect(mapTask?.interface?.inputs?.variables["a"]?.type).toEqual(listOfInts);
      expect(c.primary?.template?.interface?.inputs?.variables["a"]?.type).toEqual(listOfInts);
    });

    it("compiles each sub-workflow once, with its own connections, in the order given", () => {
      const c = closure("subworkflows.nested_parent_wf");
      expect(c.subWorkflows.map((w) => w.template?.id?.name)).toEqual([
        "core.control_flow.subworkflows.my_subwf",
        "core.control_flow.subworkflows.parent_wf",
      ]);
      expect(connectionsOf(c.subWorkflows[1])).toEqual({
        downstream: {
          n1: { ids: ["end-node"] },
          "node-t1-parent": { ids: ["end-node", "n1"] },
          "start-node": { ids: ["node-t1-parent"] },
        },
        upstream: {
          "end-node": { ids: ["n1", "node-t1-parent"] },
          n1: { ids: ["node-t1-parent"] },
          "node-t1-parent": { ids: ["start-node"] },
        },
      });
      expect(connectionsOf(c.subWorkflows[0])).toEqual({
        downstream: { n0: { ids: ["end-node", "n1"] }, n1: { ids: ["end-node"] }, "start-node": { ids: ["n0"] } },
        upstream: { "end-node": { ids: ["n0", "n1"] }, n0: { ids: ["start-node"] }, n1: { ids: ["n0"] } },
      });
    });

    it("gives a launch-plan node the plan's required inputs plus the defaulted ones it binds", () => {
      const greet = closures.get("core.flyte_basics.lp.go_greet");
      const lp = pkg.launchPlans.find((p) => p.id?.name === "morning_greeting");
      const iface = greet?.primary?.template?.interface;
      if (lp?.id === undefined || iface === undefined) throw new Error("fixture changed");
      const expected = validateLaunchPlanInputs({
        workflowInterface: iface,
        defaultInputs: lp.spec?.defaultInputs,
        fixedInputs: lp.spec?.fixedInputs,
      });
      if (!expected.ok) throw new Error(expected.errors.map(formatCompileError).join("\n"));
      // `am` is fixed; `day_of_week` is required; `number` has a default.
      const params = expected.value.expectedInputs.parameters;
      expect(Object.keys(params).sort()).toEqual(["day_of_week", "number"]);
      expect(params["day_of_week"]?.behavior).toEqual({ case: "required", value: true });
      expect(params["number"]?.behavior.case).toBe("default");
      const launchPlan: LaunchPlanInterface = { id: lp.id, ...expected.value };
      const lpRef = toJson(IdentifierSchema, lp.id);
      const compileParent = (inputs: JsonValue[]) =>
        compileWorkflow({
          primary: fromJson(WorkflowTemplateSchema, {
            id: { resourceType: "WORKFLOW", name: "parent" },
            interface: {
              inputs: { variables: { n: { type: { simple: "INTEGER" } }, day: { type: { simple: "STRING" } } } },
              outputs: { variables: { greeting: { type: { simple: "STRING" } } } },
            },
            nodes: [{ id: "greet", inputs, workflowNode: { launchplanRef: lpRef } }],
            outputs: [{ var: "greeting", binding: { promise: { nodeId: "greet", var: "o0" } } }],
          }),
          tasks: [],
          launchPlans: [launchPlan],
        });
      const day = { var: "day_of_week", binding: { promise: { var: "day" } } };

      const overriding = compileParent([day, { var: "number", binding: { promise: { var: "n" } } }]);
      if (!overriding.ok) throw new Error(overriding.errors.map(formatCompileError).join("\n"));
      expect(connectionsOf(overriding.value.primary)).toEqual({
        downstream: { greet: { ids: ["end-node"] }, "start-node": { ids: ["greet"] } },
        upstream: { "end-node": { ids: ["greet"] }, greet: { ids: ["start-node"] } },
      });
      expect(compileParent([day]).ok).toBe(true);
      expect(compileParent([])).toEqual({
        ok: false,
        errors: [
          { code: "ParameterNotBound", nodeId: "greet", message: "Input [day_of_week] of node [greet] is not bound." },
        ],
      });
      expect(compileParent([day, { var: "am", binding: { scalar: { primitive: { boolean: true } } } }])).toEqual({
        ok: false,
        errors: [{ code: "VariableNameNotFound", nodeId: "greet", message: "Node [greet] has no input [am]." }],
      });
    });
  });
}
