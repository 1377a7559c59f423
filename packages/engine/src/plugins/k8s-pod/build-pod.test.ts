import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { integerType } from "@aloft/idl";
import { SecretSchema, SecurityContextSchema } from "@aloft/idl/gen/flyteidl/core/security_pb";
import {
  DataLoadingConfig_LiteralMapFormat,
  ResourcesSchema,
  Resources_ResourceName,
  type TaskTemplate,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { buildPod, compileK8sPodOptions, secretAnnotations, type K8sPodPluginOptions } from "./index.js";
import {
  createPluginHarness,
  type PluginHarness,
  type PluginHarnessOptions,
} from "../testing/plugin-harness.test-helper.js";
import { containerTask } from "../testing/templates.test-helper.js";

const harnesses: PluginHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.cleanup();
});

async function podFor(
  template: TaskTemplate,
  options: K8sPodPluginOptions = {},
  harness: Partial<PluginHarnessOptions> = {},
) {
  const h = await createPluginHarness({ template, ...harness });
  harnesses.push(h);
  return { ...(await buildPod(h.context(), compileK8sPodOptions(options))), ctx: h.context() };
}

const resources = (requests: Record<number, string>, limits: Record<number, string> = {}) =>
  create(ResourcesSchema, {
    requests: Object.entries(requests).map(([name, value]) => ({ name: Number(name), value })),
    limits: Object.entries(limits).map(([name, value]) => ({ name: Number(name), value })),
  });

const pythonTask = (extra: Parameters<typeof containerTask>[1] = {}) =>
  containerTask(["pyflyte-execute"], {
    type: "python-task",
    ...extra,
    container: {
      image: "ghcr.io/me/app:1",
      args: ["--inputs", "{{.Input}}", "--output-prefix", "{{.outputPrefix}}", "--key", "{{.perRetryUniqueKey}}"],
      env: [{ key: "FOO", value: "bar" }],
      ...extra.container,
    },
  });

describe("buildPod", () => {
  it("builds a container task's pod as Flyte's pod plugin does", async () => {
    const template = pythonTask({
      container: {
        resources: resources({ [Resources_ResourceName.CPU]: "1" }, { [Resources_ResourceName.MEMORY]: "2Gi" }),
      },
    });
    const { pod, primaryContainerName, ctx } = await podFor(
      template,
      { interruptibleTolerations: [{ key: "spot", operator: "Exists", effect: "NoSchedule" }] },
      {
        env: { FLYTE_INTERNAL_EXECUTION_ID: "abc123", FLYTE_ATTEMPT_NUMBER: "0" },
        labels: { "execution-id": "abc123", "node-id": "n0", interruptible: "false" },
        annotations: { team: "ml" },
        securityContext: create(SecurityContextSchema, { runAs: { k8sServiceAccount: "runner" } }),
      },
    );
    expect(primaryContainerName).toBe("abc123-n0-0");
    expect(pod).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "abc123-n0-0",
        namespace: "flytesnacks-development",
        annotations: {
          "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
          primary_container_name: "abc123-n0-0",
          team: "ml",
        },
        labels: { "execution-id": "abc123", "node-id": "n0", interruptible: "false" },
      },
      spec: {
        containers: [
          {
            name: "abc123-n0-0",
            image: "ghcr.io/me/app:1",
            command: ["pyflyte-execute"],
            args: ["--inputs", ctx.paths.inputs, "--output-prefix", ctx.paths.outputPrefix, "--key", "abc123_n0_0"],
            env: [
              { name: "FOO", value: "bar" },
              { name: "FLYTE_INTERNAL_EXECUTION_ID", value: "abc123" },
              { name: "FLYTE_ATTEMPT_NUMBER", value: "0" },
            ],
            terminationMessagePolicy: "FallbackToLogsOnError",
            // A missing limit takes the request, a missing request the limit.
            resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } },
          },
        ],
        restartPolicy: "Never",
        serviceAccountName: "runner",
        affinity: {},
      },
    });
  });

  it("fills defaults from the platform, then the config, and clamps to the platform limits", async () => {
    const template = pythonTask({
      container: { resources: resources({ [Resources_ResourceName.CPU]: "4", [Resources_ResourceName.GPU]: "1" }) },
    });
    const { pod } = await podFor(
      template,
      { platformResources: { requests: { cpu: "500m" }, limits: { cpu: "2", "nvidia.com/gpu": "1" } } },
      { resourceOverrides: resources({ [Resources_ResourceName.MEMORY]: "3Gi" }) },
    );
    expect(pod.spec?.containers[0]?.resources).toEqual({
      requests: { cpu: "2", memory: "3Gi", "nvidia.com/gpu": "1" },
      limits: { cpu: "2", memory: "3Gi", "nvidia.com/gpu": "1" },
    });
    const bare = await podFor(pythonTask());
    expect(bare.pod.spec?.containers[0]?.resources).toEqual({
      requests: { cpu: "1000m", memory: "1024Mi" },
      limits: { cpu: "1000m", memory: "1024Mi" },
    });
  });

  it("applies interruptible tolerations, node selectors and node affinity", async () => {
    const options: K8sPodPluginOptions = {
      interruptibleTolerations: [{ key: "spot", operator: "Equal", value: "true", effect: "NoSchedule" }],
      defaultTolerations: [{ key: "flyte", operator: "Exists" }],
      resourceTolerations: { "nvidia.com/gpu": [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }] },
      interruptibleNodeSelector: { "node-pool": "spot" },
      defaultNodeSelector: { zone: "a" },
      interruptibleNodeSelectorRequirement: { key: "spot", operator: "In", values: ["true"] },
      nonInterruptibleNodeSelectorRequirement: { key: "spot", operator: "DoesNotExist" },
      schedulerName: "flyte-scheduler",
    };
    const template = pythonTask({ container: { resources: resources({ [Resources_ResourceName.GPU]: "1" }) } });
    const spot = (await podFor(template, options, { interruptible: true })).pod.spec;
    expect(spot?.tolerations).toEqual([
      { key: "gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "spot", operator: "Equal", value: "true", effect: "NoSchedule" },
      { key: "flyte", operator: "Exists" },
    ]);
    expect(spot?.nodeSelector).toEqual({ zone: "a", "node-pool": "spot" });
    expect(spot?.schedulerName).toBe("flyte-scheduler");
    expect(spot?.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "spot", operator: "In", values: ["true"] }] }],
        },
      },
    });
    const onDemand = (await podFor(template, options, { interruptible: false })).pod.spec;
    expect(onDemand?.tolerations).toEqual([
      { key: "gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "flyte", operator: "Exists" },
    ]);
    expect(onDemand?.nodeSelector).toEqual({ zone: "a" });
    expect(onDemand?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual(
      [{ matchExpressions: [{ key: "spot", operator: "DoesNotExist" }] }],
    );
  });

  it("serializes secrets as Flyte's webhook annotations (values from marshaler_test.go)", async () => {
    expect(secretAnnotations([create(SecretSchema, { key: "my_key" })])).toEqual({
      "flyte.secrets/s0": "nnsxsoraejwxsx2lmv3secq",
    });
    expect(secretAnnotations([create(SecretSchema, { group: ";':/\\" })])).toEqual({
      "flyte.secrets/s0": "m4zg54lqhiqceozhhixvyxbcbi",
    });
    const template = pythonTask();
    template.securityContext = create(SecurityContextSchema, { secrets: [{ group: "aws", key: "token" }] });
    const { pod } = await podFor(template);
    expect(pod.metadata?.labels).toEqual({ "inject-flyte-secrets": "true" });
    expect(Object.keys(pod.metadata?.annotations ?? {})).toContain("flyte.secrets/s0");
  });

  it("injects co-pilot for raw containers and marks no primary container", async () => {
    const template = containerTask(["sh", "-c", "cp /var/inputs/x /var/outputs/y"], {
      inputs: { x: integerType() },
      outputs: { y: integerType() },
      copilot: DataLoadingConfig_LiteralMapFormat.JSON,
    });
    const { pod, ctx } = await podFor(template, { coPilot: { command: ["/bin/flyte-copilot", "--storage.type=s3"] } });
    const spec = pod.spec;
    expect(pod.metadata?.annotations).toEqual({ "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
    expect(spec?.containers[0]?.volumeMounts).toEqual([
      { name: "flyte-inputs", mountPath: "/var/inputs" },
      { name: "flyte-outputs", mountPath: "/var/outputs" },
    ]);
    expect(spec?.containers[0]?.securityContext).toEqual({ capabilities: {} });
    expect(spec?.volumes).toEqual([
      { name: "flyte-inputs", emptyDir: {} },
      { name: "flyte-outputs", emptyDir: {} },
    ]);
    expect(spec?.initContainers?.map((c) => [c.name, c.restartPolicy, c.args?.slice(0, 7)])).toEqual([
      [
        "flyte-copilot-uploader",
        "Always",
        [
          "sidecar",
          "--timeout",
          "1h0m0s",
          "--to-raw-output",
          ctx.paths.rawOutputPrefix,
          "--to-output-prefix",
          ctx.paths.outputPrefix,
        ],
      ],
      [
        "flyte-copilot-downloader",
        undefined,
        [
          "download",
          "--from-remote",
          ctx.paths.inputs,
          "--to-output-prefix",
          ctx.paths.outputPrefix,
          "--to-local-dir",
          "/var/inputs",
        ],
      ],
    ]);
    expect(spec?.initContainers?.[1]?.args?.slice(7, 9)).toEqual(["--format", "JSON"]);
    expect(spec?.initContainers?.[0]?.command).toEqual(["/bin/flyte-copilot", "--storage.type=s3"]);
    expect(spec?.initContainers?.[0]?.resources).toEqual({
      limits: { cpu: "500m", memory: "128Mi" },
      requests: { cpu: "500m", memory: "128Mi" },
    });
    expect(spec?.terminationGracePeriodSeconds).toBe(3600);
  });

  it("merges the pod onto the task's pod template: default, primary and same-name containers", async () => {
    const template = pythonTask();
    template.metadata = { ...template.metadata, podTemplateName: "gpu-template" } as typeof template.metadata;
    const { pod } = await podFor(template, {
      podTemplates: {
        "gpu-template": {
          metadata: { name: "gpu-template" },
          template: {
            metadata: { labels: { pool: "gpu" }, annotations: { from: "template" } },
            spec: {
              containers: [
                { name: "default", env: [{ name: "FROM_DEFAULT", value: "1" }], workingDir: "/default" },
                { name: "primary", workingDir: "/primary", resources: { limits: { "nvidia.com/gpu": "1" } } },
              ],
              tolerations: [{ key: "template", operator: "Exists" }],
              nodeSelector: { disk: "ssd" },
            },
          },
        },
      },
    });
    const container = pod.spec?.containers[0];
    expect(container?.workingDir).toBe("/primary");
    expect(container?.env).toEqual([
      { name: "FROM_DEFAULT", value: "1" },
      { name: "FOO", value: "bar" },
    ]);
    // Pod-template resources fill what the task leaves unset, then Flyte's defaults apply.
    expect(container?.resources?.limits).toEqual({ "nvidia.com/gpu": "1", cpu: "1000m", memory: "1024Mi" });
    expect(pod.spec?.tolerations).toEqual([{ key: "template", operator: "Exists" }]);
    expect(pod.spec?.nodeSelector).toEqual({ disk: "ssd" });
    expect(pod.metadata?.labels).toEqual({ pool: "gpu" });
    expect(pod.metadata?.annotations?.from).toBe("template");
    await expect(podFor(template, {}).then(() => "built")).rejects.toThrow("PodTemplate 'gpu-template' does not exist");
  });

  it("builds k8s_pod tasks: the primary container from config, others only kept in range", async () => {
    const template = containerTask([], { type: "sidecar", config: { primary_container_name: "main" } });
    template.taskTypeVersion = 2;
    template.target = {
      case: "k8sPod",
      value: {
        metadata: { labels: { app: "x" }, annotations: {} },
        podSpec: {
          containers: [
            { name: "main", image: "main:1", args: ["{{.outputPrefix}}"] },
            { name: "side", image: "side:1" },
          ],
        },
      } as never,
    };
    const { pod, ctx, primaryContainerName } = await podFor(template);
    expect(primaryContainerName).toBe("main");
    expect(pod.metadata?.annotations?.primary_container_name).toBe("main");
    expect(pod.metadata?.labels).toEqual({ app: "x" });
    expect(pod.spec?.containers.map((c) => [c.name, c.args, c.resources])).toEqual([
      [
        "main",
        [ctx.paths.outputPrefix],
        { requests: { cpu: "1000m", memory: "1024Mi" }, limits: { cpu: "1000m", memory: "1024Mi" } },
      ],
      ["side", undefined, { requests: { cpu: "0", memory: "0" }, limits: { cpu: "0", memory: "0" } }],
    ]);
  });

  it("refuses tasks that cannot become a pod", async () => {
    const template = containerTask(["x"], { type: "python-task" });
    template.target = { case: undefined };
    await expect(podFor(template)).rejects.toThrow("invalid TaskSpecification, unable to determine Pod configuration");
    const bad = containerTask(["echo", "{{.inputs.nope}}"], { type: "python-task" });
    await expect(podFor(bad)).rejects.toThrow("requested input is not found [nope]");
  });
});
