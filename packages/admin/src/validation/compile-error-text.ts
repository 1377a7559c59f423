/**
 * Compiler errors in the text flyteadmin returns for a failed compilation (propeller's `CompileErrors.Error()`),
 * which flytekit and flytectl print as is.
 */
import type { CompileError } from "@aloft/compiler";

/**
 * `Collected Errors: 2\n\tError 0: Code: MismatchingTypes, Node Id: n0, Description: …\n…` (errors in the order
 * given; the compiler already sorts them as Flyte's error set does).
 */
export function compileErrorsText(errors: readonly CompileError[]): string {
  let text = `Collected Errors: ${errors.length}\n`;
  errors.forEach((error, index) => {
    text += `\tError ${index}: Code: ${error.code}, Node Id: ${error.nodeId}, Description: ${error.message}\n`;
  });
  return text;
}
