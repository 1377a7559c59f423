/**
 * A small machine-learning pipeline: make a CSV dataset, split it, train a model (a record), evaluate
 * it (a float). Files travel between tasks through blob storage, as on Flyte: a task returns
 * `FlyteFile.fromPath(...)`, the next one reads it back.
 *
 *   aloft run examples/ml-pipeline.ts pipeline --rows 400 --testFraction 0.25
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FlyteFile, t, task, workflow } from "@aloft/sdk";

const csv = t.file({ format: "csv" });

/** The trained model: a threshold on `x` above which points are labelled 1. */
export const Model = t.record(
  { threshold: t.float(), trainedOn: t.int().describe("how many rows it was trained on") },
  { name: "Model" },
);

/** A tiny seeded random generator (mulberry32), so runs are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  x: number;
  label: number;
}

function parseRows(text: string): Row[] {
  return text
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [x = "0", label = "0"] = line.split(",");
      return { x: Number(x), label: Number(label) };
    });
}

async function writeRows(dir: string, name: string, rows: readonly Row[]): Promise<FlyteFile> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, ["x,label", ...rows.map((r) => `${r.x.toFixed(4)},${r.label}`)].join("\n") + "\n");
  return FlyteFile.fromPath(path);
}

/** Writes a labelled dataset: points on [0, 1], labelled 1 above 0.6 (with 5% label noise). */
export const makeDataset = task(
  { inputs: { rows: t.int(), seed: t.int() }, output: csv, cache: { version: "1" } },
  async ({ rows, seed }, ctx) => {
    const next = random(seed);
    const data = Array.from({ length: rows }, () => {
      const x = next();
      const noisy = next() < 0.05;
      return { x, label: x > 0.6 !== noisy ? 1 : 0 };
    });
    return writeRows(ctx.workDir, "dataset.csv", data);
  },
);

/** Splits the dataset into a training and a test file. */
export const split = task(
  { inputs: { data: csv, testFraction: t.float() }, outputs: { train: csv, test: csv } },
  async ({ data, testFraction }, ctx) => {
    if (testFraction <= 0 || testFraction >= 1)
      throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
    const rows = parseRows(await data.readText());
    const cut = Math.round(rows.length * (1 - testFraction));
    return {
      train: await writeRows(ctx.workDir, "train.csv", rows.slice(0, cut)),
      test: await writeRows(ctx.workDir, "test.csv", rows.slice(cut)),
    };
  },
);

function accuracyOf(threshold: number, rows: readonly Row[]): number {
  const right = rows.filter((r) => (r.x > threshold ? 1 : 0) === r.label).length;
  return rows.length === 0 ? 0 : right / rows.length;
}

/** Trains the model: the threshold that classifies the training rows best. */
export const train = task({ inputs: { data: csv }, output: Model }, async ({ data }) => {
  const rows = parseRows(await data.readText());
  let best = { threshold: 0.5, accuracy: -1 };
  for (let i = 1; i < 100; i++) {
    const accuracy = accuracyOf(i / 100, rows);
    if (accuracy > best.accuracy) best = { threshold: i / 100, accuracy };
  }
  return { threshold: best.threshold, trainedOn: rows.length };
});

/** The share of test rows the model labels right. */
export const evaluate = task({ inputs: { model: Model, data: csv }, output: t.float() }, async ({ model, data }) =>
  accuracyOf(model.threshold, parseRows(await data.readText())),
);

export const pipeline = workflow(
  {
    description: "Makes a dataset, trains a threshold classifier on part of it and tests it on the rest.",
    inputs: { rows: t.int(), testFraction: t.float(), seed: t.int() },
    outputs: { model: Model, accuracy: t.float(), dataset: csv },
    defaults: { rows: 200, testFraction: 0.25, seed: 7 },
  },
  ({ rows, testFraction, seed }) => {
    const dataset = makeDataset({ rows, seed });
    const parts = split({ data: dataset, testFraction });
    const model = train({ data: parts.train });
    return { model, accuracy: evaluate({ model, data: parts.test }), dataset };
  },
);
