// Fails when relative imports inside a package form a cycle. (Cross-package edges are checked by
// eslint's boundary rules; this covers what a lint plugin would need a native resolver for.)
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const importPattern =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${join("src", "gen")}`));
}

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [
    base.replace(/\.m?js$/, ".ts"),
    base.replace(/\.js$/, ".tsx"),
    base.replace(/\.mjs$/, ".mts"),
    base,
    join(base, "index.ts"),
  ];
  return candidates.find((c) => existsSync(c) && c.match(/\.(ts|tsx|mts)$/));
}

const graph = new Map();
for (const pkg of readdirSync(join(root, "packages"))) {
  const src = join(root, "packages", pkg, "src");
  if (!existsSync(src)) continue;
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, "utf8");
    const deps = new Set();
    for (const m of text.matchAll(importPattern)) {
      const target = resolveImport(file, m[1] ?? m[2]);
      if (target) deps.add(target);
    }
    graph.set(file, deps);
  }
}

// Tarjan's strongly connected components; any component larger than one file (or a self-import) is a cycle.
let index = 0;
const indices = new Map();
const lowlink = new Map();
const onStack = new Set();
const stack = [];
const cycles = [];
function connect(v) {
  indices.set(v, index);
  lowlink.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!indices.has(w)) {
      connect(w);
      lowlink.set(v, Math.min(lowlink.get(v), lowlink.get(w)));
    } else if (onStack.has(w)) {
      lowlink.set(v, Math.min(lowlink.get(v), indices.get(w)));
    }
  }
  if (lowlink.get(v) === indices.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) cycles.push(component);
  }
}
for (const v of graph.keys()) if (!indices.has(v)) connect(v);

if (cycles.length > 0) {
  for (const c of cycles) console.error(`import cycle: ${c.map((f) => relative(root, f)).join(" <-> ")}`);
  process.exit(1);
}
console.log(`import cycles: none in ${graph.size} files`);
