import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { confirmChanges, type AnswerSource } from "./confirm.js";

function terminal(answers: string): AnswerSource {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean };
  stream.isTTY = true;
  stream.end(answers);
  return stream;
}

function sink() {
  const printed = { stdout: "", stderr: "" };
  return {
    printed,
    output: { stdout: (t: string) => void (printed.stdout += t), stderr: (t: string) => void (printed.stderr += t) },
  };
}

describe("confirmChanges", () => {
  it("asks on a terminal until the answer is yes or no", async () => {
    const { printed, output } = sink();
    await expect(confirmChanges(false, output, terminal("maybe\nYes\n"))).resolves.toBeUndefined();
    expect(printed.stderr).toBe("Continue? [y/n]: Continue? [y/n]: ");
    expect(printed.stdout).toBe("");
  });

  it("stops on no, or on the end of input", async () => {
    await expect(confirmChanges(false, sink().output, terminal("n\n"))).rejects.toThrow("update aborted by user");
    await expect(confirmChanges(false, sink().output, terminal(""))).rejects.toThrow("update aborted by user");
  });

  it("refuses to wait for an answer that cannot come, pointing at --force", async () => {
    const piped = new PassThrough();
    let error: unknown;
    try {
      await confirmChanges(false, sink().output, piped);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe("the changes need confirmation, but stdin is not a terminal");
    expect((error as CliError).hint).toMatch(/--force/);
    expect((error as CliError).exitCode).toBe(2);
  });

  it("does not ask with --force", async () => {
    const { printed, output } = sink();
    await confirmChanges(true, output, new PassThrough());
    expect(printed.stderr).toBe("");
  });
});
