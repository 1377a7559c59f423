import { InvalidArgumentError } from "commander";

/**
 * Parses `--labels` as pflag's StringToString does: `key=value` pairs separated by commas, the flag repeatable,
 * later keys winning.
 */
export function parseLabels(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const labels = { ...previous };
  for (const pair of value.split(",")) {
    if (pair.trim() === "") continue;
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new InvalidArgumentError("use key=value, comma-separated.");
    labels[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return labels;
}
