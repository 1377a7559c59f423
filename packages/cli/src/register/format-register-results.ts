import { stringify as toYaml } from "yaml";
import { formatColumns } from "../output.js";
import type { RegisterResult } from "./register-entities.js";

/** How `register files` prints its results (flytectl's `-o`). */
export type RegisterOutputFormat = "table" | "json" | "yaml";

/** What was registered, for printing. */
export interface RegisterReport {
  results: readonly RegisterResult[];
  /** Files not attempted because an earlier one failed. */
  skipped: number;
  dryRun: boolean;
}

/**
 * flytectl's results table (columns Name, Status, Additional Info), then a summary line: how many files
 * succeeded and failed, and how many were not attempted after the first failure.
 */
export function formatRegisterTable(report: RegisterReport): string[] {
  const rows = [["NAME", "STATUS", "ADDITIONAL INFO"], ...report.results.map((r) => [r.file, r.status, r.info])];
  const failed = report.results.filter((r) => r.status === "Failed").length;
  const succeeded = report.results.length - failed;
  let summary = `${report.dryRun ? "checked" : "registered"} ${succeeded}, failed ${failed}`;
  if (report.skipped > 0) {
    summary += `, not attempted ${report.skipped} (stopped at the first failure; --continueOnError goes on)`;
  }
  return [...formatColumns(rows), summary];
}

/** The results as JSON or YAML: a list of `{ name, status, info }`, as flytectl's result records. */
export function formatRegisterData(report: RegisterReport, format: "json" | "yaml"): string {
  const data = report.results.map((r) => ({ name: r.file, status: r.status, info: r.info }));
  return format === "json" ? JSON.stringify(data, null, 2) + "\n" : toYaml(data);
}
