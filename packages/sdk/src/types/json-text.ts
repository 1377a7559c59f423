import { invalidAt } from "@aloft/idl/internal";

/** Parses command-line JSON, naming the value in the error. */
export function parseJsonText(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidAt(
      path,
      `expected ${what} as JSON, got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} (${(e as Error).message})`,
    );
  }
}
