import type { PackageEntityKind } from "../package/package-entity.js";
import { formatColumns } from "../output.js";
import { isPlaceholder, type PackageCompileReport } from "./compile-package.js";
import type { CompileError } from "./package-compiler.js";

const kindLabels: Record<PackageEntityKind, string> = { task: "task", workflow: "workflow", launchPlan: "launchplan" };

/** Options for {@link formatCompileReport}. */
export interface FormatCompileReportOptions {
  /** Renders one compile error (`@aloft/compiler`'s `formatCompileError`). */
  formatError: (error: CompileError) => string;
}

/**
 * The table `aloft compile` prints: one aligned line per entity (kind, name, version, `ok` or
 * `FAILED`), each failed entity followed by one indented line per error, then
 * `compiled N, failed M`. A version still left for registration to fill in prints as `-`.
 */
export function formatCompileReport(report: PackageCompileReport, options: FormatCompileReportOptions): string[] {
  const rows = report.results.map((r) => [
    kindLabels[r.kind],
    r.name,
    displayVersion(r.version),
    r.errors.length === 0 ? "ok" : "FAILED",
  ]);
  const lines = formatColumns(rows);
  const out: string[] = [];
  report.results.forEach((result, i) => {
    out.push(lines[i] ?? "");
    for (const error of result.errors) out.push(`    ${oneLine(options.formatError(error))}`);
  });
  out.push(`compiled ${report.compiled}, failed ${report.failed}`);
  return out;
}

/** The machine-readable form printed by `aloft compile --output json`. */
export interface CompileReportJson {
  package: string;
  entities: {
    kind: string;
    name: string;
    version: string;
    file: string;
    status: "ok" | "failed";
    errors: { code: string; nodeId: string; message: string }[];
  }[];
  compiled: number;
  failed: number;
}

/** {@link PackageCompileReport} as plain JSON data (versions as written in the package). */
export function compileReportToJson(report: PackageCompileReport, packagePath: string): CompileReportJson {
  return {
    package: packagePath,
    entities: report.results.map((r) => ({
      kind: kindLabels[r.kind],
      name: r.name,
      version: r.version,
      file: r.file,
      status: r.errors.length === 0 ? "ok" : "failed",
      errors: r.errors.map(({ code, nodeId, message }) => ({ code, nodeId, message })),
    })),
    compiled: report.compiled,
    failed: report.failed,
  };
}

function displayVersion(version: string): string {
  return version === "" || isPlaceholder(version) ? "-" : version;
}

// One error, one line: a message with newlines would break the layout and anything parsing it.
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
