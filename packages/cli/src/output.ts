/**
 * Where the `aloft` command writes. Text is written exactly as given, so callers include the
 * trailing newline; tests pass a sink that collects the text instead of the process streams.
 */
export interface OutputSink {
  /** Normal output: results, help, the version. */
  stdout(text: string): void;
  /** Errors and hints. */
  stderr(text: string): void;
  /** Whether stdout is a terminal, so live displays may redraw in place; unset means it is not. */
  readonly stdoutIsTerminal?: boolean;
}

/**
 * The sink for a real run: `process.stdout` and `process.stderr`.
 *
 * A closed pipe (`aloft compile … | head`) must not end in a stack trace, so EPIPE on either stream
 * is swallowed: the reader has gone and there is nobody left to tell.
 */
export function createProcessOutput(): OutputSink {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount("error") === 0) {
      stream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") throw error;
      });
    }
  }
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTerminal: process.stdout.isTTY === true,
  };
}

/** Writes `lines` to stdout, one per line. */
export function printLines(output: OutputSink, lines: readonly string[]): void {
  if (lines.length > 0) output.stdout(lines.join("\n") + "\n");
}

/**
 * Lays `rows` out as left-aligned columns separated by two spaces. The last column is never padded,
 * so lines carry no trailing blanks.
 */
export function formatColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "),
  );
}
