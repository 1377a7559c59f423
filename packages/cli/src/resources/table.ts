import { formatColumns } from "../output.js";

/** One column of a resource table: its header and how to read a cell from a row. */
export interface Column<T> {
  header: string;
  value(row: T): string;
  /** Cut the cell to this many characters, as flytectl does for error texts. */
  truncateTo?: number;
}

/**
 * Lays `rows` out under upper-case headers, two spaces between columns. A cell may hold several lines (the
 * input and output lists): the row then takes as many lines, the other cells blank below their first line.
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string[] {
  const lines: string[][] = [columns.map((c) => c.header.toUpperCase())];
  for (const row of rows) {
    const cells = columns.map((c) => cellLines(c, row));
    const height = Math.max(1, ...cells.map((cell) => cell.length));
    for (let i = 0; i < height; i++) lines.push(cells.map((cell) => cell[i] ?? ""));
  }
  return formatColumns(lines).map((line) => line.trimEnd());
}

function cellLines<T>(column: Column<T>, row: T): string[] {
  let text = column.value(row);
  if (column.truncateTo !== undefined && text.length > column.truncateTo) text = text.slice(0, column.truncateTo);
  return text.split("\n");
}
