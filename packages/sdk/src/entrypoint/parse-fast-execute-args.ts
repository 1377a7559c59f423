import { AloftError } from "@aloft/idl";
import { DEST_DIR_PLACEHOLDER, REMOTE_PACKAGE_PLACEHOLDER } from "./hydrate-fast-registration.js";

/** The arguments of `aloft-fast-execute`. */
export interface FastExecuteArgs {
  /** The code archive (local path, `file://` or blob URI); `undefined` when not given or left as a placeholder. */
  distribution: string | undefined;
  /** Where to unpack it; `undefined` for the working directory. */
  destDir: string | undefined;
  /** The command to run afterwards (normally `aloft-execute …`). */
  command: string[];
}

/**
 * Parses `aloft-fast-execute [--additional-distribution <uri>] [--dest-dir <dir>] -- <command…>`
 * (options also as `--name=value`). Placeholders nobody filled (`{{ .remote_package_path }}`,
 * `{{ .dest_dir }}`) count as absent.
 *
 * @throws AloftError `InvalidArgument` for unknown options, options without a value and a missing command.
 */
export function parseFastExecuteArgs(argv: readonly string[]): FastExecuteArgs {
  let distribution: string | undefined;
  let destDir: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      i++;
      break;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (flag !== "--additional-distribution" && flag !== "--dest-dir") {
      throw AloftError.invalidArgument(`aloft-fast-execute: unknown argument ${JSON.stringify(arg)}`);
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw AloftError.invalidArgument(`aloft-fast-execute: ${flag} needs a value`);
    if (flag === "--additional-distribution") distribution = value;
    else destDir = value;
  }
  const command = argv.slice(i);
  if (command.length === 0) throw AloftError.invalidArgument("aloft-fast-execute: give the command to run after --");
  return {
    distribution:
      distribution === undefined || distribution === "" || distribution === REMOTE_PACKAGE_PLACEHOLDER
        ? undefined
        : distribution,
    destDir: destDir === undefined || destDir === "" || destDir === DEST_DIR_PLACEHOLDER ? undefined : destDir,
    command,
  };
}
