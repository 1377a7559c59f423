import { describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { taskContainerArgs } from "../serialize/container-args.js";
import { parseExecuteArgs, parseTaskLocator } from "./parse-execute-args.js";
import { parseFastExecuteArgs } from "./parse-fast-execute-args.js";

const settings = { project: "p", domain: "d", version: "v", image: "img" };

function invalid(fn: () => unknown, rawMessage: string): void {
  expect(fn).toThrow(expect.objectContaining({ code: Code.InvalidArgument, rawMessage }));
}

describe("parseExecuteArgs", () => {
  it("reads back exactly the args serialization writes, unfilled templates counting as absent", () => {
    const args = taskContainerArgs({ module: "examples/hello", taskName: "examples.hello.sayHello" }, settings);
    const fast = parseFastExecuteArgs(args.slice(1));
    expect([fast.distribution, fast.destDir, fast.command[0]]).toEqual([undefined, undefined, "aloft-execute"]);
    expect(parseExecuteArgs(fast.command.slice(1))).toEqual({
      inputs: "{{.input}}",
      outputPrefix: "{{.outputPrefix}}",
      rawOutputDataPrefix: undefined,
      checkpointPath: undefined,
      prevCheckpoint: undefined,
      dynamicAddlDistro: undefined,
      dynamicDestDir: undefined,
      resolver: "aloft",
      resolverArgs: ["module", "examples/hello", "task", "examples.hello.sayHello"],
    });
  });

  it("reads filled-in values, --name=value forms and the dynamic distribution", () => {
    expect(
      parseExecuteArgs([
        "--inputs=s3://b/in/inputs.pb",
        "--output-prefix",
        "s3://b/out",
        "--raw-output-data-prefix",
        "s3://b/raw",
        "--checkpoint-path",
        "s3://b/cp/1",
        "--prev-checkpoint",
        '""',
        "--dynamic-addl-distro",
        "s3://b/fast/fastabc.tar.gz",
        "--dynamic-dest-dir",
        "/root",
        "--resolver",
        "aloft",
        "--",
        "module",
        "m",
        "task",
        "t",
      ]),
    ).toEqual({
      inputs: "s3://b/in/inputs.pb",
      outputPrefix: "s3://b/out",
      rawOutputDataPrefix: "s3://b/raw",
      checkpointPath: "s3://b/cp/1",
      prevCheckpoint: undefined,
      dynamicAddlDistro: "s3://b/fast/fastabc.tar.gz",
      dynamicDestDir: "/root",
      resolver: "aloft",
      resolverArgs: ["module", "m", "task", "t"],
    });
  });

  it("rejects unknown options, missing values, missing inputs or output prefix, and other resolvers", () => {
    invalid(() => parseExecuteArgs(["--nope", "x"]), 'aloft-execute: unknown argument "--nope"');
    invalid(() => parseExecuteArgs(["--inputs"]), "aloft-execute: --inputs needs a value");
    invalid(() => parseExecuteArgs(["--output-prefix", "o"]), "aloft-execute: --inputs is required");
    invalid(() => parseExecuteArgs(["--inputs", "i"]), "aloft-execute: --output-prefix is required");
    invalid(
      () => parseExecuteArgs(["--inputs", "i", "--output-prefix", "o", "--resolver", "flytekit.x"]),
      'aloft-execute: unknown resolver "flytekit.x"; only "aloft" exists',
    );
  });
});

describe("parseTaskLocator", () => {
  it("reads the module, the task and, for map tasks, the bound inputs", () => {
    const mapArgs = taskContainerArgs({ module: "m", taskName: "m.sq", mapBound: ["a", "b"] }, settings);
    const execute = parseExecuteArgs(parseFastExecuteArgs(mapArgs.slice(1)).command.slice(1));
    expect(parseTaskLocator(execute.resolverArgs)).toEqual({
      module: "m",
      taskName: "m.sq",
      array: { bound: ["a", "b"] },
    });
    expect(parseTaskLocator(["module", "m", "task", "t", "array", "true", "bound", ""])).toEqual({
      module: "m",
      taskName: "t",
      array: { bound: [] },
    });
    expect(parseTaskLocator(["task", "t", "module", "m"])).toEqual({ module: "m", taskName: "t", array: undefined });
  });

  it("rejects incomplete or unknown resolver arguments", () => {
    invalid(
      () => parseTaskLocator(["module", "m"]),
      'resolver aloft: expected "module <module> task <name>", got "module m"',
    );
    invalid(() => parseTaskLocator(["task-module", "m"]), 'resolver aloft: unknown argument "task-module"');
    invalid(() => parseTaskLocator(["module", "m", "task"]), "resolver aloft: task needs a value");
  });
});

describe("parseFastExecuteArgs", () => {
  it("reads the distribution, the destination and the command", () => {
    expect(
      parseFastExecuteArgs([
        "--additional-distribution",
        "s3://b/fastx.tar.gz",
        "--dest-dir=/root",
        "--",
        "aloft-execute",
        "--inputs",
        "i",
      ]),
    ).toEqual({ distribution: "s3://b/fastx.tar.gz", destDir: "/root", command: ["aloft-execute", "--inputs", "i"] });
  });

  it("rejects unknown options and a missing command", () => {
    invalid(() => parseFastExecuteArgs(["--copy", "all", "--", "x"]), 'aloft-fast-execute: unknown argument "--copy"');
    invalid(
      () => parseFastExecuteArgs(["--dest-dir", "/root", "--"]),
      "aloft-fast-execute: give the command to run after --",
    );
  });
});
