/**
 * Test fixture for `aloft logs`: a shell task that echoes to stdout and stderr (run as a local process), and a
 * TypeScript task that prints and then fails on its first attempt (run in a warm worker).
 */
import { containerTask, RecoverableError, t, task, workflow } from "@aloft/sdk";

export const shout = containerTask({
  image: "alpine:3.20",
  command: ["sh", "-c", 'echo "hello from $(cat /var/inputs/word)"; echo "a warning" >&2'],
  inputs: { word: t.string() },
});

export const flaky = task({ inputs: { n: t.int() }, output: t.int(), retries: 1 }, ({ n }, ctx) => {
  console.log(`attempt ${ctx.attempt} of flaky with ${n}`);
  if (ctx.attempt === 0) throw new RecoverableError("the first attempt always fails");
  return n + 1;
});

export const shoutThenFail = workflow({ inputs: { word: t.string() }, output: t.int() }, ({ word }) => {
  const said = shout({ word });
  return flaky({ n: 1 }).after(said);
});

export const broken = task({ inputs: { n: t.int() }, output: t.int() }, ({ n }) => {
  console.error(`broken got ${n}`);
  throw new Error("broken on purpose");
});

export const shoutThenBreak = workflow({ inputs: { word: t.string() }, output: t.int() }, ({ word }) => {
  const said = shout({ word });
  return broken({ n: 2 }).after(said);
});
