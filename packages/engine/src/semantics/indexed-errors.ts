/**
 * Flyte's array error summary (flyteplugins errorcollector): one line per distinct message, sorted,
 * prefixed by the index ranges that failed with it (`[0-2][5]: boom`), cut off with
 * `... and many more.` once `charLimit` is reached.
 */
export function summarizeIndexedErrors(
  errors: readonly { index: number; message: string }[],
  charLimit: number,
): string {
  const suffix = "... and many more.";
  const limit = charLimit - suffix.length;
  if (limit < 0) return "";
  const byMessage = new Map<string, number[]>();
  for (const { index, message } of errors) {
    let indexes = byMessage.get(message);
    if (indexes === undefined) byMessage.set(message, (indexes = []));
    indexes.push(index);
  }
  let out = "";
  for (const message of [...byMessage.keys()].sort(compareBytes)) {
    out += `${formatRanges(byMessage.get(message) ?? [])}: ${message}\n`;
    if (out.length >= limit) {
      out += suffix;
      break;
    }
  }
  return out;
}

/** `[0-2][5]`: sorted indexes merged into contiguous ranges. */
function formatRanges(indexes: readonly number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  let out = "";
  let start: number | undefined;
  let end = 0;
  for (const i of sorted) {
    if (start !== undefined && i === end + 1) {
      end = i;
      continue;
    }
    if (start !== undefined) out += range(start, end);
    start = i;
    end = i;
  }
  if (start !== undefined) out += range(start, end);
  return out;
}

function range(start: number, end: number): string {
  return start === end ? `[${start}]` : `[${start}-${end}]`;
}

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}
