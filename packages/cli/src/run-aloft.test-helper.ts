import { main } from "./main.js";

/** What one in-process run of `aloft` printed and returned. */
export interface AloftRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stderr split into lines, without the trailing empty one. */
  stderrLines: string[];
  /** stdout split into lines, without the trailing empty one. */
  stdoutLines: string[];
}

/** Runs `aloft <argv>` in-process through `main`, capturing what it prints. */
export async function runAloft(
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<AloftRun> {
  let stdout = "";
  let stderr = "";
  const exitCode = await main(argv, {
    output: {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    },
    env: options.env ?? {},
    cwd: options.cwd,
  });
  return { exitCode, stdout, stderr, stdoutLines: toLines(stdout), stderrLines: toLines(stderr) };
}

function toLines(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}
