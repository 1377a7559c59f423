import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { create, equals, toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { KeyValuePairSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { aloftFixturesDir } from "@aloft/test-helpers";
import { expect } from "vitest";

/** Flyte's compiler golden files (see fixtures/flyte-compiler/README.md). */
export const flyteCompilerFixtures = join(aloftFixturesDir, "flyte-compiler");

/** Files in `dir` whose names end with `suffix`, sorted, as [name, full path]. */
export function filesEndingWith(dir: string, suffix: string): [string, string][] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => [f, join(dir, f)]);
}

/** Flyte's test adds three container config entries to every task before compiling it. */
export function addFlyteTestConfig(template: TaskTemplate): void {
  if (template.target.case !== "container") return;
  for (const n of [1, 2, 3]) {
    template.target.value.config.push(create(KeyValuePairSchema, { key: `testKey${n}`, value: `testValue${n}` }));
  }
}

/** `name_2.pb` → `name_2`. */
export function stem(file: string): string {
  return basename(file).replace(/\.(pb|json)$/, "");
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

/**
 * Asserts protobuf equality; on a mismatch shows a readable diff of the two messages' JSON first
 * (vitest prints it), so a failing golden says where it differs.
 */
export function expectProtoEqual<Desc extends DescMessage>(
  schema: Desc,
  actual: MessageShape<Desc>,
  expected: MessageShape<Desc>,
  label: string,
): void {
  if (equals(schema, actual, expected)) return;
  expect(toJson(schema, actual), `${label}: compiled output differs from Flyte's golden file`).toEqual(
    toJson(schema, expected),
  );
  expect.fail(`${label}: messages differ in a way their JSON does not show (field presence?)`);
}
