import { describe, expect, test } from "vitest";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { compileTask } from "@aloft/compiler";
import { SETTINGS, exportFrom, json, thrown } from "../authoring.test-helper.js";
import { containerTask } from "../entities/container-task.js";
import { task } from "../entities/task.js";
import { t } from "../types/index.js";
import { serializeTask } from "./serialize-task.js";
import { SDK_VERSION } from "./sdk-version.js";

const ARGS = [
  "aloft-execute",
  "--inputs",
  "{{.input}}",
  "--output-prefix",
  "{{.outputPrefix}}",
  "--raw-output-data-prefix",
  "{{.rawOutputDataPrefix}}",
  "--checkpoint-path",
  "{{.checkpointOutputPrefix}}",
  "--prev-checkpoint",
  "{{.prevCheckpointPrefix}}",
  "--resolver",
  "aloft",
  "--",
];
const FAST = [
  "aloft-fast-execute",
  "--additional-distribution",
  "{{ .remote_package_path }}",
  "--dest-dir",
  "{{ .dest_dir }}",
  "--",
];

function spec(x: Parameters<typeof serializeTask>[0], settings = SETTINGS) {
  const s = serializeTask(x, settings);
  expect(s.template !== undefined && compileTask(s.template).ok).toBe(true);
  return json(TaskSpecSchema, s) as { template: Record<string, unknown>; description?: unknown };
}

describe("serializeTask", () => {
  test("writes every TaskTemplate and TaskMetadata field flytekit writes for a function task", () => {
    const train = task(
      {
        description: "Trains a model.",
        inputs: { rate: t.float().describe("the learning rate"), epochs: t.int() },
        outputs: { model: t.string() },
        retries: 3,
        timeoutMs: 3_600_000,
        interruptible: true,
        cache: { version: "2", serialize: true, ignoredInputs: ["epochs"] },
        requests: { cpu: "2", memory: "4Gi", gpu: 1, ephemeralStorage: "10Gi" },
        limits: { cpu: 4, memory: "8Gi" },
        env: { LOG_LEVEL: "debug", SHARED: "task" },
        secrets: [{ group: "aws", key: "token", mountAs: "file", envVar: "AWS_TOKEN" }, { group: "db" }],
        podTemplateName: "gpu-pods",
        deprecated: "use train_v2",
        labels: { team: "ml" },
        annotations: { note: "x" },
        image: "{{.image.trainer.fqn}}:{{.image.trainer.version}}",
      },
      () => ({ model: "m" }),
    );
    exportFrom("examples/ml", { train });
    const settings = {
      ...SETTINGS,
      images: { trainer: "ghcr.io/aloft/trainer:3.1" },
      env: { SHARED: "settings", REGION: "eu" },
    };
    expect(spec(train, settings)).toEqual({
      template: {
        id: {
          resourceType: "TASK",
          project: "flytesnacks",
          domain: "development",
          name: "examples.ml.train",
          version: "v1",
        },
        type: "ts-task",
        metadata: {
          discoverable: true,
          runtime: { type: "FLYTE_SDK", version: SDK_VERSION, flavor: "typescript" },
          timeout: "3600s",
          retries: { retries: 3 },
          interruptible: true,
          discoveryVersion: "2",
          deprecatedErrorMessage: "use train_v2",
          cacheSerializable: true,
          podTemplateName: "gpu-pods",
          cacheIgnoreInputVars: ["epochs"],
          generatesDeck: false,
          metadata: { labels: { team: "ml" }, annotations: { note: "x" } },
        },
        interface: {
          inputs: {
            variables: {
              rate: { type: { simple: "FLOAT" }, description: "the learning rate" },
              epochs: { type: { simple: "INTEGER" }, description: "epochs" },
            },
          },
          outputs: { variables: { model: { type: { simple: "STRING" }, description: "model" } } },
        },
        container: {
          image: "ghcr.io/aloft/trainer:3.1",
          args: [...FAST, ...ARGS, "module", "examples/ml", "task", "examples.ml.train"],
          resources: {
            // flytekit's `_get_container_definition` order: ephemeral storage, CPU, GPU, memory.
            requests: [
              { name: "EPHEMERAL_STORAGE", value: "10Gi" },
              { name: "CPU", value: "2" },
              { name: "GPU", value: "1" },
              { name: "MEMORY", value: "4Gi" },
            ],
            limits: [
              { name: "CPU", value: "4" },
              { name: "MEMORY", value: "8Gi" },
            ],
          },
          // The registration's environment, overlaid with the task's.
          env: [
            { key: "SHARED", value: "task" },
            { key: "REGION", value: "eu" },
            { key: "LOG_LEVEL", value: "debug" },
          ],
        },
        securityContext: {
          secrets: [{ group: "aws", key: "token", mountRequirement: "FILE", envVar: "AWS_TOKEN" }, { group: "db" }],
        },
      },
      description: { shortDescription: "Trains a model.", longDescription: { format: "DESCRIPTION_FORMAT_RST" } },
    });
  });

  test("with code in the image, the fast-execute prefix is left out", () => {
    const plain = task({ output: t.int() }, () => 1);
    exportFrom("examples/plain", { plain });
    const args = (spec(plain, { ...SETTINGS, code: { kind: "image" } }).template["container"] as { args: string[] })
      .args;
    expect(args).toEqual([...ARGS, "module", "examples/plain", "task", "examples.plain.plain"]);
  });

  test("a pod template makes a k8s_pod target with the container merged into the primary container", () => {
    const podded = task(
      {
        inputs: { x: t.int() },
        requests: { cpu: "1" },
        env: { A: "1" },
        podTemplate: {
          podSpec: {
            containers: [
              { name: "sidecar", image: "{{.image.default.fqn}}:debug" },
              { name: "app", env: [{ name: "B", value: "2" }] },
            ],
            tolerations: [{ key: "gpu", operator: "Exists" }],
          },
          primaryContainerName: "app",
          labels: { pool: "gpu" },
        },
      },
      () => {},
    );
    exportFrom("examples/pods", { podded });
    const template = spec(podded).template;
    expect(template["container"]).toBeUndefined();
    expect(template["config"]).toEqual({ primary_container_name: "app" });
    expect(template["k8sPod"]).toEqual({
      metadata: { labels: { pool: "gpu" } },
      podSpec: {
        containers: [
          { name: "sidecar", image: "ghcr.io/aloft/sdk:debug" },
          {
            name: "app",
            image: SETTINGS.image,
            command: [],
            args: [...FAST, ...ARGS, "module", "examples/pods", "task", "examples.pods.podded"],
            resources: { limits: {}, requests: { cpu: "1" } },
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
          },
        ],
        tolerations: [{ key: "gpu", operator: "Exists" }],
      },
    });
  });

  test("containerTask writes a raw-container with flytekit's DataLoadingConfig", () => {
    const wc = containerTask({
      name: "word_count",
      image: "alpine:3.20",
      command: ["sh", "-c", "wc -l < /var/inputs/text > /var/outputs/lines"],
      args: ["{{.inputs.mode}}"],
      inputs: { text: t.file(), mode: t.string() },
      outputs: { lines: t.int() },
      metadataFormat: "yaml",
      retries: 1,
    });
    expect(spec(wc)).toEqual({
      template: {
        id: { resourceType: "TASK", project: "flytesnacks", domain: "development", name: "word_count", version: "v1" },
        type: "raw-container",
        metadata: {
          runtime: { type: "FLYTE_SDK", version: SDK_VERSION, flavor: "typescript" },
          retries: { retries: 1 },
          generatesDeck: false,
          metadata: {},
        },
        interface: {
          inputs: {
            variables: {
              text: { type: { blob: {} }, description: "text" },
              mode: { type: { simple: "STRING" }, description: "mode" },
            },
          },
          outputs: { variables: { lines: { type: { simple: "INTEGER" }, description: "lines" } } },
        },
        container: {
          image: "alpine:3.20",
          command: ["sh", "-c", "wc -l < /var/inputs/text > /var/outputs/lines"],
          args: ["{{.inputs.mode}}"],
          resources: {},
          dataConfig: { enabled: true, inputPath: "/var/inputs", outputPath: "/var/outputs", format: "YAML" },
        },
      },
    });
  });

  test("an unnamed task cannot be serialized: the error names its declaration", () => {
    const anonymous = [task({}, () => {})][0] as Parameters<typeof serializeTask>[0];
    const e = thrown(() => serializeTask(anonymous, SETTINGS));
    expect(e.rawMessage).toMatch(
      /^the task declared at packages\/sdk\/src\/serialize\/serialize-task\.test\.ts:\d+:\d+ has no name: give it a name option or export it from a module the loader reads$/,
    );
  });

  test("a named task that is not exported cannot be loaded by its container", () => {
    const hidden = task({ name: "hidden.task" }, () => {});
    expect(thrown(() => serializeTask(hidden, SETTINGS)).rawMessage).toMatch(
      /^task hidden\.task \(declared at .*serialize-task\.test\.ts:\d+:\d+\) is not exported from a module the loader read, so its container could not load it; export it$/,
    );
  });

  test("an image template naming an unknown image is an error", () => {
    const gpu = task({ name: "gpu.task", image: "{{.image.gpu.fqn}}:latest" }, () => {});
    exportFrom("examples/gpu", { gpu });
    expect(thrown(() => serializeTask(gpu, SETTINGS)).rawMessage).toBe(
      'image "{{.image.gpu.fqn}}:latest" names image "gpu", which the settings do not define',
    );
  });
});
