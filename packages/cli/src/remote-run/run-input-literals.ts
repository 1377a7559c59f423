/**
 * The inputs of a remote run as literals: the values `aloft run` parsed from the entity's flags, converted by the
 * entity's own SDK types, so they are encoded exactly as the SDK encodes them everywhere else (flytekit's
 * encodings).
 */
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { AnyType } from "@aloft/sdk";
import { CliError } from "../cli-error.js";

/** One input given on the command line, already parsed by its type. */
export interface ParsedRunInput {
  name: string;
  type: AnyType;
  value: unknown;
}

/**
 * The literal of every given input; inputs left out are not sent, so admin applies the launch plan's defaults.
 *
 * Local files are uploaded before (see upload-local-files.ts); local folders and datasets are not, so such a value
 * is a usage error that says to pass a URI the platform can read instead.
 *
 * @throws CliError (usage) naming the flag of a value that cannot be sent.
 */
export function runInputLiterals(inputs: readonly ParsedRunInput[]): Record<string, Literal> {
  const literals: Record<string, Literal> = {};
  for (const input of inputs) {
    try {
      literals[input.name] = input.type.toLiteralSync(input.value, { path: input.name });
    } catch (error) {
      const raw = (error as { rawMessage?: unknown }).rawMessage;
      const message = typeof raw === "string" ? raw : (error as Error).message;
      const upload = /uploaded first/.test(message);
      throw CliError.usage(
        `invalid value for --${input.name} <${input.type.name}>: ${message.replace(/^[^:]*: /, "")}`,
        {
          hint: upload
            ? "remote runs upload single local files, not folders or datasets: give a URI the platform can read (s3://…)"
            : undefined,
          cause: error,
        },
      );
    }
  }
  return literals;
}
