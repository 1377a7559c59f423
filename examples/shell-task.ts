/**
 * Raw container tasks: any image, any language, no SDK inside. Flyte's co-pilot puts each input in
 * `/var/inputs/<name>` and reads each output from `/var/outputs/<name>`; locally the command runs as a
 * process with those folders swapped for temporary ones (the image is not used).
 *
 *   aloft run examples/shell-task.ts countWords --text "the quick brown fox"
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { containerTask, FlyteFile, t, task, workflow } from "@aloft/sdk";

/** Counts the lines and words of a file with `wc`. */
export const wc = containerTask({
  image: "alpine:3.20",
  command: [
    "sh",
    "-c",
    "wc -l < /var/inputs/text | tr -d ' ' > /var/outputs/lines && wc -w < /var/inputs/text | tr -d ' ' > /var/outputs/words",
  ],
  inputs: { text: t.file({ format: "txt" }) },
  outputs: { lines: t.int(), words: t.int() },
});

/** Writes text to a file, one line per sentence. */
export const toFile = task(
  { inputs: { text: t.string() }, output: t.file({ format: "txt" }) },
  async ({ text }, ctx) => {
    await mkdir(ctx.workDir, { recursive: true });
    const path = join(ctx.workDir, "text.txt");
    await writeFile(path, text.split(/(?<=[.!?])\s+/).join("\n") + "\n");
    return FlyteFile.fromPath(path);
  },
);

export const summarize = task(
  { inputs: { lines: t.int(), words: t.int() }, output: t.string() },
  ({ lines, words }) => `${words} word${words === 1 ? "" : "s"} on ${lines} line${lines === 1 ? "" : "s"}`,
);

/** Writes the text to a file, counts it in a shell, and says what it found. */
export const countWords = workflow({ inputs: { text: t.string() }, output: t.string() }, ({ text }) => {
  const counts = wc({ text: toFile({ text }) });
  return summarize({ lines: counts.lines, words: counts.words });
});
