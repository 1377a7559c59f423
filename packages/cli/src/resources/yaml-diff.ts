import { stringify as toYaml } from "yaml";

/** Lines of context around each change, as `diff -u`. */
const CONTEXT = 3;

/**
 * What flytectl's `update` commands show before asking (flytectl/cmd/update/diff.go): both values as YAML,
 * keys sorted, compared line by line and printed as a unified diff from `before` to `after`; `""` when the
 * YAML is the same.
 */
export function diffAsYaml(before: unknown, after: unknown): string {
  const a = yamlLines(before);
  const b = yamlLines(after);
  const ops = lineDiff(a, b);
  if (ops.every((op) => op.kind === " ")) return "";
  return ["--- before", "+++ after", ...hunks(ops)].join("\n") + "\n";
}

function yamlLines(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const text = toYaml(value, { sortMapEntries: true, lineWidth: 0 });
  return text === "{}\n" ? [] : text.replace(/\n$/, "").split("\n");
}

interface Op {
  kind: " " | "-" | "+";
  line: string;
  /** 1-based line numbers in `before` and `after` at this point. */
  aLine: number;
  bLine: number;
}

/**
 * The shortest edit script from `a` to `b` by Myers' algorithm (as the diff library flytectl uses): a path through
 * the edit graph that takes common lines greedily, deletions before insertions where both are as short.
 */
function lineDiff(a: readonly string[], b: readonly string[]): Op[] {
  const max = a.length + b.length;
  const offset = max + 1;
  const v = new Array<number>(2 * max + 3).fill(0);
  const trace: number[][] = [];
  search: for (let d = 0; d <= max; d++) {
    trace.push([...v]);
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= a.length && y >= b.length) break search;
    }
  }
  // Walk the trace back from the end, collecting the moves in reverse.
  const reversed: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const saved = trace[d] as number[];
    const k = x - y;
    const down = k === -d || (k !== d && (saved[offset + k - 1] as number) < (saved[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (saved[offset + prevK] as number);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      reversed.push({ kind: " ", line: a[x - 1] as string, aLine: x, bLine: y });
      x--;
      y--;
    }
    if (d === 0) break;
    if (down) reversed.push({ kind: "+", line: b[y - 1] as string, aLine: x + 1, bLine: y });
    else reversed.push({ kind: "-", line: a[x - 1] as string, aLine: x, bLine: y + 1 });
    x = prevX;
    y = prevY;
  }
  return reversed.reverse();
}

/** Groups the changes with their context into `@@ -a,n +b,m @@` hunks. */
function hunks(ops: readonly Op[]): string[] {
  const out: string[] = [];
  let index = 0;
  while (index < ops.length) {
    const firstChange = ops.findIndex((op, k) => k >= index && op.kind !== " ");
    if (firstChange === -1) break;
    const start = Math.max(index, firstChange - CONTEXT);
    let end = firstChange;
    // Extend while the next change is close enough for the contexts to touch.
    for (let k = firstChange; k < ops.length; k++) {
      if ((ops[k] as Op).kind !== " ") end = k;
      else if (k - end > 2 * CONTEXT) break;
    }
    const stop = Math.min(ops.length, end + CONTEXT + 1);
    const slice = ops.slice(start, stop);
    const first = slice[0] as Op;
    const aCount = slice.filter((op) => op.kind !== "+").length;
    const bCount = slice.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${range(first.aLine, aCount)} +${range(first.bLine, bCount)} @@`);
    for (const op of slice) out.push(op.kind + op.line);
    index = stop;
  }
  return out;
}

/** GNU's hunk range: `start,count`, just `start` for one line, and the line before for none. */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}
