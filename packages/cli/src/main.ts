/** Runs the `aloft` command with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  console.log(`aloft: nothing here yet (${argv.join(" ")})`);
  return 0;
}
