import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { encode } from "@msgpack/msgpack";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "@aloft/test-helpers";
import {
  binaryLiteral,
  blobLiteral,
  blobType,
  collectionLiteral,
  datetimeLiteral,
  floatLiteral,
  floatType,
  integerLiteral,
  integerType,
  literalMap,
  mapLiteral,
  stringLiteral,
  stringType,
} from "@aloft/idl";
import { fileUri } from "@aloft/storage";
import { ContainerError_Kind } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { ExecutionError_ErrorKind, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { DataLoadingConfig_LiteralMapFormat } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  executeWorkflow,
  LocalTaskFailure,
  renderCommandTemplates,
  runContainerTaskLocally,
  type CommandTemplatePaths,
} from "./index.js";
import { compile, jsOf, ref, task, taskNode, workflow } from "./local-workflows.test-helper.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("aloft-container-");
});
afterEach(async () => dir.cleanup());

function rawContainer(
  script: string,
  io: { inputs?: Record<string, LiteralType>; outputs?: Record<string, LiteralType> },
  format: DataLoadingConfig_LiteralMapFormat | "none" = DataLoadingConfig_LiteralMapFormat.JSON,
) {
  return task("raw", {
    ...io,
    type: "raw-container",
    container: {
      case: "container",
      value: {
        image: "alpine:3",
        command: ["sh", "-c", script],
        dataConfig:
          format === "none"
            ? undefined
            : { enabled: true, inputPath: "/var/inputs", outputPath: "/var/outputs", format },
      },
    },
  });
}

async function failureOf(run: Promise<unknown>): Promise<LocalTaskFailure> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LocalTaskFailure)) throw new Error(`expected a LocalTaskFailure, got ${String(error)}`);
  return error;
}

const int = integerType();

describe("runContainerTaskLocally", () => {
  it("writes inputs as co-pilot files and reads outputs from files named after the outputs", async () => {
    const template = rawContainer(
      "echo $(( $(cat /var/inputs/a) + $(cat /var/inputs/b) )) > /var/outputs/sum; cp /var/inputs/inputs.json /var/outputs/json",
      { inputs: { a: int, b: int }, outputs: { sum: int, json: stringType() } },
    );
    const result = await runContainerTaskLocally({
      template,
      inputs: literalMap({ a: integerLiteral(2), b: integerLiteral(3) }),
      workDir: dir.path,
    });
    expect(result.kind).toBe("outputs");
    if (result.kind === "outputs") expect(jsOf(result.outputs)).toEqual({ sum: 5, json: '{"a":2,"b":3}' });
  });

  it("writes inputs.yaml for the YAML format", async () => {
    const template = rawContainer(
      "cp /var/inputs/inputs.yaml /var/outputs/yaml",
      { inputs: { name: stringType(), xs: int }, outputs: { yaml: stringType() } },
      DataLoadingConfig_LiteralMapFormat.YAML,
    );
    const result = await runContainerTaskLocally({
      template,
      inputs: literalMap({ name: stringLiteral("world"), xs: integerLiteral(7) }),
      workDir: dir.path,
    });
    if (result.kind === "outputs") expect(jsOf(result.outputs)).toEqual({ yaml: "name: world\nxs: 7" });
  });

  it("renders Flyte's templates in the command", async () => {
    const template = rawContainer("echo {{ .Inputs.name }} {{$inputs.ratio}} {{.inputs.n}} > /var/outputs/o0", {
      inputs: { name: stringType(), ratio: floatType(), n: int },
      outputs: { o0: stringType() },
    });
    const result = await runContainerTaskLocally({
      template,
      inputs: literalMap({ name: stringLiteral("world"), ratio: floatLiteral(1e6), n: integerLiteral(-4) }),
      workDir: dir.path,
    });
    if (result.kind === "outputs") expect(jsOf(result.outputs)).toEqual({ o0: "world 1e+06 -4" });
  });

  it("copies blob inputs to files and stores blob outputs under the raw output prefix", async () => {
    const source = join(dir.path, "in.txt");
    await writeFile(source, "hello");
    const raw = join(dir.path, "raw");
    const template = rawContainer("tr a-z A-Z < /var/inputs/f > /var/outputs/g", {
      inputs: { f: blobType() },
      outputs: { g: blobType() },
    });
    const result = await runContainerTaskLocally({
      template,
      inputs: literalMap({ f: blobLiteral({ uri: fileUri(source) }) }),
      rawOutputPrefix: raw,
      workDir: dir.path,
    });
    if (result.kind !== "outputs") throw new Error("expected outputs");
    expect(jsOf(result.outputs)).toEqual({ g: { uri: fileUri(join(raw, "g")), format: "", dimensionality: "single" } });
    expect(await readFile(join(raw, "g"), "utf8")).toBe("HELLO");
  });

  it("fails with the tail of stderr when the command exits non-zero, as a retryable user error", async () => {
    const template = rawContainer("echo oops >&2; exit 3", { outputs: { o0: int } });
    const failure = await failureOf(runContainerTaskLocally({ template, inputs: literalMap({}), workDir: dir.path }));
    expect(failure.containerError.code).toBe("ContainerFailed");
    expect(failure.containerError.kind).toBe(ContainerError_Kind.RECOVERABLE);
    expect(failure.containerError.origin).toBe(ExecutionError_ErrorKind.USER);
    expect(failure.containerError.message).toBe(
      "[sh] terminated with exit code (3). Reason [Error]. Message: \noops\n.",
    );
  });

  it("fails with the content of an _ERROR file", async () => {
    const template = rawContainer("echo bad things > /var/outputs/_ERROR", { outputs: { o0: int } });
    const failure = await failureOf(runContainerTaskLocally({ template, inputs: literalMap({}), workDir: dir.path }));
    expect(failure.containerError.code).toBe("ContainerReportedError");
    expect(failure.containerError.message).toBe("User Error: bad things\n");
  });

  it("fails when an output file is missing", async () => {
    const template = rawContainer("true", { outputs: { o0: int } });
    const failure = await failureOf(runContainerTaskLocally({ template, inputs: literalMap({}), workDir: dir.path }));
    expect(failure.containerError.code).toBe("CopilotUploadFailed");
    expect(failure.containerError.message).toMatch(/^file not found at path \[.*\/o0\]$/);
  });

  it("reads outputs.pb written under {{.outputPrefix}} when there is no data config", async () => {
    const prepared = join(dir.path, "prepared.pb");
    await writeFile(prepared, toBinary(LiteralMapSchema, literalMap({ o0: integerLiteral(11) })));
    const template = rawContainer(`cp ${prepared} {{.outputPrefix}}/outputs.pb`, { outputs: { o0: int } }, "none");
    const result = await runContainerTaskLocally({ template, inputs: literalMap({}), workDir: dir.path });
    if (result.kind === "outputs") expect(jsOf(result.outputs)).toEqual({ o0: 11 });
  });

  it("reports OutputsNotFound when declared outputs are not written and there is no data config", async () => {
    const template = rawContainer("true", { outputs: { o0: int } }, "none");
    const failure = await failureOf(runContainerTaskLocally({ template, inputs: literalMap({}), workDir: dir.path }));
    expect(failure.containerError.code).toBe("OutputsNotFound");
    expect(failure.containerError.message).toBe("Outputs not generated by task execution");
    expect(failure.containerError.kind).toBe(ContainerError_Kind.RECOVERABLE);
    expect(failure.containerError.origin).toBe(ExecutionError_ErrorKind.UNKNOWN);
  });

  it("runs inside a workflow, its failures retried within the task's budget", async () => {
    const counter = join(dir.path, "attempts");
    await mkdir(counter);
    const flaky = task("flaky", {
      inputs: { x: int },
      outputs: { y: int },
      retries: 2,
      type: "raw-container",
      container: {
        case: "container",
        value: {
          image: "alpine:3",
          command: [
            "sh",
            "-c",
            `touch ${counter}/$$; [ $(ls ${counter} | wc -l) -ge 2 ] || exit 1; echo $(( $(cat /var/inputs/x) * 2 )) > /var/outputs/y`,
          ],
          dataConfig: { enabled: true, inputPath: "/var/inputs", outputPath: "/var/outputs" },
        },
      },
    });
    const closure = compile({
      workflow: workflow("raw", {
        inputs: { x: int },
        outputs: { y: int },
        nodes: [taskNode("n0", "flaky", { x: ref("", "x") })],
        outputBindings: { y: ref("n0", "y") },
      }),
      tasks: [flaky],
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: integerLiteral(21) }),
      runner: { runTask: (request) => runContainerTaskLocally({ ...request, workDir: dir.path }) },
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: 42 });
    expect(result.nodes.get("n0")?.attempts).toBe(2);
  });
});

describe("renderCommandTemplates", () => {
  const paths: CommandTemplatePaths = {
    input: "/meta/inputs.pb",
    inputPrefix: "/meta",
    outputPrefix: "/meta/0",
    rawOutputDataPrefix: "/raw/ab/run-n0-0",
    checkpointOutputPrefix: "/raw/ab/run-n0-0/_flytecheckpoints",
    prevCheckpointPrefix: "",
    generatedName: "1abc-n0-0",
    namespace: "flytesnacks-development",
  };

  it("replaces path templates case-insensitively, with either prefix and inner spaces", () => {
    const rendered = renderCommandTemplates(
      [
        "{{.input}}",
        "{{ .Input }}",
        "{{$inputPrefix}}",
        "{{.OUTPUTPREFIX}}",
        "{{.rawOutputDataPrefix}}",
        "{{.checkpointOutputPrefix}}",
        "{{.prevCheckpointPrefix}}",
        "{{.perRetryUniqueKey}}",
        "{{.namespace}}",
        "--x={{.unknown}}",
      ],
      literalMap({}),
      paths,
    );
    expect(rendered).toEqual([
      "/meta/inputs.pb",
      "/meta/inputs.pb",
      "/meta",
      "/meta/0",
      "/raw/ab/run-n0-0",
      "/raw/ab/run-n0-0/_flytecheckpoints",
      '""',
      "aabc_n0_0",
      "flytesnacks-development",
      "--x={{.unknown}}",
    ]);
  });

  it("renders input values as Go prints them", () => {
    const inputs = literalMap({
      i: integerLiteral(-3),
      small: floatLiteral(0.00001),
      big: floatLiteral(123456789),
      plain: floatLiteral(100000.5),
      when: datetimeLiteral(create(TimestampSchema, { seconds: 1_700_000_000n, nanos: 120_000_000 })),
      xs: collectionLiteral([integerLiteral(1), stringLiteral("a")]),
      blob: blobLiteral({ uri: "s3://bucket/key" }),
      dc: binaryLiteral(encode({ b: ["x", "y"], a: 1.5 }), "msgpack"),
    });
    const names = ["i", "small", "big", "plain", "when", "xs", "blob", "dc"];
    expect(
      renderCommandTemplates(
        names.map((n) => `{{.inputs.${n}}}`),
        inputs,
        paths,
      ),
    ).toEqual([
      "-3",
      "1e-05",
      "1.23456789e+08",
      "100000.5",
      "2023-11-14T22:13:20.12Z",
      "[1,a]",
      "s3://bucket/key",
      "map[a:1.5 b:[x y]]",
    ]);
  });

  it("lists every input it cannot render", () => {
    const inputs = literalMap({ m: mapLiteral({ a: integerLiteral(1) }) });
    expect(() => renderCommandTemplates(["{{.inputs.nope}} {{.inputs.m}}"], inputs, paths)).toThrow(
      "0: input template [{{.inputs.nope}}]: requested input is not found [nope]\r\n" +
        "1: input template [{{.inputs.m}}]: failed to bind a value to inputName [m]: received an unexpected primitive type [*core.Literal_Map]",
    );
  });
});
