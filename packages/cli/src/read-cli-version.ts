import { readFileSync } from "node:fs";

/**
 * The version of `@aloft/cli`, read from its package.json (one level above both `src/` and `dist/`),
 * so the number is written in one place only.
 */
export function readCliVersion(): string {
  const raw = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  const version = (JSON.parse(raw) as { version?: unknown }).version;
  return typeof version === "string" ? version : "unknown";
}
