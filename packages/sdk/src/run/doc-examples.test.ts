/*
 * The usage examples of the SDK's docs compile: the README's and the public barrels' (`@aloft/sdk`,
 * `@aloft/sdk/testing`), type-checked offline against the built package (`npx tsc -b packages/sdk`).
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The fenced TypeScript blocks of a Markdown file, or of a module's first TSDoc comment. */
function codeBlocks(file: string): string[] {
  let text = readFileSync(join(PACKAGE, file), "utf8");
  if (file.endsWith(".ts")) {
    const doc = /\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? "";
    text = doc.replace(/^\s*\* ?/gm, "");
  }
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

/** Type errors of `source` as a module of this package's folder (so `@aloft/sdk` resolves to the build). */
function typeErrors(source: string, prelude: string): string[] {
  const fileName = join(PACKAGE, "__doc_example__.ts");
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, `${prelude}\n${source}\nexport {};\n`, version)
      : getSourceFile(name, version, ...rest);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === fileName)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

// Names the examples use without declaring them (the entities of the surrounding prose).
const TESTING_PRELUDE = `
import { t, task, workflow } from "@aloft/sdk";
const Model = t.record({ weights: t.list(t.float()), bias: t.float() }, { name: "Model" });
const train = task({ inputs: { data: t.list(t.float()) }, outputs: { model: Model } }, () => ({ model: { weights: [], bias: 0 } }));
const evaluate = task({ inputs: { model: Model }, outputs: { accuracy: t.float() } }, () => ({ accuracy: 1 }));
const pipeline = workflow({ inputs: { rows: t.int() }, outputs: { accuracy: t.float() } }, ({ rows }) => {
  const { model } = train({ data: [rows] });
  return { accuracy: evaluate({ model }).accuracy };
});
`;

describe("the SDK's documented examples", () => {
  test.for([
    { file: "README.md", prelude: "" },
    { file: "src/index.ts", prelude: "" },
  ])("the examples of $file type-check", ({ file, prelude }) => {
    const blocks = codeBlocks(file);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(typeErrors(block, prelude)).toEqual([]);
  });

  test("a wrong example would be caught: the checker reports its errors", () => {
    const wrong = [
      'import { run, t, task } from "@aloft/sdk";',
      "const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);",
      'await run(square, { x: "3" });',
    ].join("\n");
    const errors = typeErrors(wrong, "");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("Type 'string' is not assignable to type 'number'.");
  });

  test("the testing example type-checks", () => {
    const block = codeBlocks("src/testing/index.ts")[0] ?? "";
    const source = block.replace(/^import .* from "\.\/pipeline\.js";$/m, "");
    expect(typeErrors(source, TESTING_PRELUDE)).toEqual([]);
  });
});
