import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { describe, expect, it } from "vitest";
import { compileTask, formatCompileError } from "./index.js";
import { isDns1123Label, isKubernetesQuantity } from "./k8s-validation.js";

const template = (json: object): TaskTemplate =>
  fromJson(TaskTemplateSchema, {
    id: { resourceType: "TASK", name: "t" },
    interface: { inputs: { variables: { x: { type: { simple: "INTEGER" } } } }, outputs: {} },
    ...json,
  } as JsonObject);

const errorsOf = (t: TaskTemplate): string[] => {
  const result = compileTask(t);
  return result.ok ? [] : result.errors.map(formatCompileError);
};

describe("compileTask", () => {
  it("wraps a valid task template as a compiled task, unchanged", () => {
    const t = template({
      container: { image: "img", args: ["run"], resources: { requests: [{ name: "CPU", value: "500m" }] } },
    });
    const result = compileTask(t);
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ template: t }) });
    if (result.ok) expect(result.value.template).toBe(t);
  });

  it("requires an id", () => {
    const t = template({ container: { image: "img", args: ["run"] } });
    t.id = undefined;
    expect(errorsOf(t)).toEqual(["ValueRequired at node root: Value required [Id]: the task template has no id."]);
  });

  it("requires a container image, parseable resources and a command when the interface has variables", () => {
    const t = template({
      container: {
        resources: { requests: [{ name: "CPU", value: "lots" }], limits: [{ name: "MEMORY", value: "1.5Gb" }] },
      },
    });
    expect(errorsOf(t)).toEqual([
      "UnrecognizedValue at node resources.CPU: Unrecognized value [lots]: resource CPU must be a Kubernetes quantity such as 500m or 1Gi.",
      "UnrecognizedValue at node resources.MEMORY: Unrecognized value [1.5Gb]: resource MEMORY must be a Kubernetes quantity such as 500m or 1Gi.",
      "ValueRequired at node container: Value required [command]: a container task with inputs or outputs needs a command or args.",
      "ValueRequired at node container: Value required [image]: the container has no image.",
    ]);
  });

  it("lets a container task without inputs or outputs have no command", () => {
    expect(errorsOf(template({ interface: {}, container: { image: "img" } }))).toEqual([]);
  });

  it("requires a pod spec that decodes, with DNS-1123 container names", () => {
    const pod = (podSpec: object) => template({ k8sPod: { podSpec } });
    expect(errorsOf(pod({ containers: [{ name: "main" }, { name: "side-car" }] }))).toEqual([]);
    expect(errorsOf(pod({ containers: [{ name: "Main_Container" }] }))).toEqual([
      "InvalidValue at node root: Invalid value [k8s pod spec container name]: container names must be DNS-1123 labels.",
    ]);
    expect(errorsOf(pod({ containers: "main" }))).toEqual([
      "InvalidValue at node root: Invalid value [k8s pod spec]: the pod spec does not decode.",
    ]);
    expect(errorsOf(template({ k8sPod: {} }))).toEqual([
      "InvalidValue at node root: Invalid value [k8s pod spec]: the pod spec does not decode.",
    ]);
  });
});

describe("Kubernetes value checks", () => {
  it.each([
    "1",
    "0",
    "500m",
    "1.5",
    "1.5Gi",
    "2Ki",
    "3E",
    "1e3",
    "1E-3",
    "+1",
    "-2",
    ".5",
    "5.",
    "100n",
    "12M",
    "Mi",
    ".",
  ])("accepts the quantity %s", (q) => expect(isKubernetesQuantity(q)).toBe(true));

  it.each(["", "lots", "1Gb", "1.5.5", "1e", "1K", "1 Gi", "1Ki5", "1m5"])("rejects the quantity %j", (q) =>
    expect(isKubernetesQuantity(q)).toBe(false),
  );

  it("tells DNS-1123 labels", () => {
    expect(["a", "main", "side-car", "x1", "a".repeat(63)].every(isDns1123Label)).toBe(true);
    expect(["", "-a", "a-", "A", "a_b", "a.b", "a".repeat(64)].some(isDns1123Label)).toBe(false);
  });
});
