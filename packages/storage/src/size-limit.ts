import { AloftError, Code } from "@aloft/idl";

/** Throws ResourceExhausted when an object is larger than the caller accepts (`GetOptions.maxSizeBytes`). */
export function checkSizeLimit(options: { uri: string; sizeBytes: number; maxSizeBytes: number }): void {
  if (options.sizeBytes > options.maxSizeBytes) {
    throw new AloftError(
      Code.ResourceExhausted,
      `${options.uri} has ${options.sizeBytes} bytes, more than the ${options.maxSizeBytes}-byte download limit`,
    );
  }
}
