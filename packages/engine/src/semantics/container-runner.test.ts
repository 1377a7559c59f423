import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "@aloft/test-helpers";
import {
  blobLiteral,
  blobType,
  floatLiteral,
  floatType,
  integerLiteral,
  integerType,
  literalMap,
  stringLiteral,
  stringType,
} from "@aloft/idl";
import { fileUri } from "@aloft/storage";
import { ContainerError_Kind } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { DataLoadingConfig_LiteralMapFormat } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { runContainerTaskLocally, TaskFailure } from "../index.js";
import { jsOf, rawContainer } from "./semantics.test-helper.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("aloft-container-");
});
afterEach(async () => dir.cleanup());

async function failureOf(run: Promise<unknown>): Promise<TaskFailure> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TaskFailure)) throw new Error(`expected a TaskFailure, got ${String(error)}`);
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
});
