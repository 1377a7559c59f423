import type { DescMessage, JsonValue, MessageShape } from "@bufbuild/protobuf";
import { toAdminJson } from "@aloft/idl";
import { stringify as toYaml } from "yaml";
import type { OutputSink } from "../output.js";
import { printLines } from "../output.js";
import type { OutputFormat } from "./output-format.js";
import { renderTable, type Column } from "./table.js";

/** Protobuf messages to print, and the table columns for `-o table`. */
export interface MessagesToPrint<Desc extends DescMessage> {
  schema: Desc;
  messages: readonly MessageShape<Desc>[];
  columns: readonly Column<MessageShape<Desc>>[];
}

/**
 * Prints messages as flytectl's printer does: a table, or JSON/YAML of the messages (flyteadmin-style JSON
 * with proto field names, see `toAdminJson`); one message prints as an object, any other number as a list.
 */
export function printMessages<Desc extends DescMessage>(
  output: OutputSink,
  format: OutputFormat,
  what: MessagesToPrint<Desc>,
): void {
  if (format === "table") {
    printLines(output, renderTable(what.columns, what.messages));
    return;
  }
  const values = what.messages.map((m) => toAdminJson(what.schema, m));
  printData(output, format, values.length === 1 ? (values[0] as JsonValue) : values);
}

/** Prints plain data as indented JSON or as YAML. */
export function printData(output: OutputSink, format: "json" | "yaml", data: unknown): void {
  output.stdout(format === "json" ? JSON.stringify(data, null, 2) + "\n" : toYaml(data, { lineWidth: 0 }));
}
