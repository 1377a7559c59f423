import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { clone, create, toBinary } from "@bufbuild/protobuf";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { findSharedFixtures, makeTempDir, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { x as extractTar } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PackageEntity } from "../package/package-entity.js";
import { tgzBytes } from "../package/package-builder.test-helper.js";
import { readPackage } from "../package/read-package.js";
import { runAloft, type AloftRun } from "../run-aloft.test-helper.js";

const shared = findSharedFixtures();
const fixture = (name: string): string => join(shared ?? "", "flytekit-serialized", name);
const basicWorkflow = "recipes.core.basic.basic_workflow";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await makeTempDir("aloft-cli-compile-"));
});
afterEach(async () => {
  await cleanup();
});

function entityBytes(entity: PackageEntity): Uint8Array {
  switch (entity.kind) {
    case "task":
      return toBinary(TaskSpecSchema, entity.spec);
    case "workflow":
      return toBinary(WorkflowSpecSchema, entity.spec);
    case "launchPlan":
      return toBinary(LaunchPlanSchema, entity.launchPlan);
  }
}

/** Writes `entities` as a package folder (one `.pb` per entity, named as in the package) and returns its path. */
async function writePackageFolder(name: string, entities: readonly PackageEntity[]): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  for (const entity of entities) await writeFile(join(folder, entity.file), entityBytes(entity));
  return folder;
}

function expectOneErrorLine(run: AloftRun, line: string): void {
  expect([run.exitCode, run.stdout, run.stderrLines]).toEqual([1, "", [line]]);
}

describe("aloft compile with Flyte-made packages", () => {
  it.for([
    { name: "flytesnacks-core.tgz", entities: 84 },
    { name: "valid-register.tgz", entities: 4 },
    { name: "valid-package.tgz", entities: 4 },
  ])("compiles every entity of $name", async ({ name, entities }, ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const run = await runAloft(["compile", "--file", fixture(name)]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdoutLines).toHaveLength(entities + 1);
    expect(run.stdoutLines.at(-1)).toBe(`compiled ${entities}, failed 0`);
    expect(run.stdoutLines.slice(0, -1).every((line) => / {2}ok$/.test(line))).toBe(true);
  });

  it("prints kind, name, version and status per entity, in file order", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const run = await runAloft(["compile", "--file", fixture("valid-register.tgz")]);
    expect(run.stdoutLines).toEqual([
      `task        ${basicWorkflow}.t1     -  ok`,
      `task        ${basicWorkflow}.t2     -  ok`,
      `workflow    ${basicWorkflow}.my_wf  -  ok`,
      `launchplan  ${basicWorkflow}.my_wf  -  ok`,
      "compiled 4, failed 0",
    ]);
  });

  it("compiles an extracted folder, or a package given without --file, the same way", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    await extractTar({ file: fixture("flytesnacks-core.tgz"), cwd: dir });
    const fromTgz = await runAloft(["compile", "--file", fixture("flytesnacks-core.tgz")]);
    const fromFolder = await runAloft(["compile", "--file", dir]);
    const positional = await runAloft(["compile", fixture("flytesnacks-core.tgz")]);
    expect([fromFolder.exitCode, fromFolder.stdout]).toEqual([0, fromTgz.stdout]);
    expect([positional.exitCode, positional.stdout]).toEqual([0, fromTgz.stdout]);
  });

  it("prints a JSON report with --output json", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const run = await runAloft(["compile", "--file", fixture("valid-package.tgz"), "-o", "JSON"]);
    const report = JSON.parse(run.stdout) as {
      entities: { kind: string; status: string; file: string; version: string }[];
      compiled: number;
      failed: number;
    };
    expect(run.exitCode).toBe(0);
    expect([report.compiled, report.failed]).toEqual([4, 0]);
    expect(report.entities.map((e) => [e.kind, e.status, e.file])).toEqual([
      ["task", "ok", "0_example.example.generate_normal_df_1.pb"],
      ["task", "ok", "1_example.example.compute_stats_1.pb"],
      ["workflow", "ok", "2_example.example.wf_2.pb"],
      ["launchplan", "ok", "3_example.example.wf_3.pb"],
    ]);
    expect(report.entities[0]?.version).toBe("");
  });
});

describe("aloft compile with a broken package", () => {
  it("reports the workflow, the node and the reason when a binding has the wrong type", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const pkg = await readPackage({ path: fixture("valid-register.tgz") });
    const entities = pkg.entities.map((entity) => {
      if (entity.kind !== "workflow") return entity;
      const spec = clone(WorkflowSpecSchema, entity.spec);
      // n1 feeds t2's string input `b` from the workflow's integer input `a`.
      const binding = spec.template?.nodes.find((n) => n.id === "n1")?.inputs.find((b) => b.var === "b")?.binding;
      if (binding?.value.case !== "promise") throw new Error("fixture changed: n1.b is not a promise");
      binding.value.value.var = "a";
      return { ...entity, spec };
    });
    const run = await runAloft(["compile", "--file", await writePackageFolder("pkg", entities)]);
    expect([run.exitCode, run.stderr]).toEqual([1, ""]);
    const failed = run.stdoutLines.indexOf(`workflow    ${basicWorkflow}.my_wf  -  FAILED`);
    expect(failed).toBe(2);
    expect(run.stdoutLines[failed + 1]).toMatch(/^ {4}MismatchingTypes at node n1: .*\b(b|a)\b/);
    expect(run.stdoutLines.at(-1)).toBe("compiled 3, failed 1");
  });

  it("reports a task missing from the package with the compiler's code", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const pkg = await readPackage({ path: fixture("valid-register.tgz") });
    const entities = pkg.entities.filter((e) => !(e.kind === "task" && e.id.name.endsWith(".t2")));
    const run = await runAloft(["compile", "--file", await writePackageFolder("pkg", entities)]);
    expect(run.exitCode).toBe(1);
    expect(run.stdoutLines).toContain(`workflow    ${basicWorkflow}.my_wf  -  FAILED`);
    expect(run.stdoutLines.find((line) => line.startsWith("    "))).toMatch(
      new RegExp(`^ {4}TaskReferenceNotFound at node start-node: .*${basicWorkflow}\\.t2`),
    );
    expect(run.stdoutLines.at(-1)).toBe("compiled 2, failed 1");
  });

  it("compiles a launch-plan node against the launch plan's workflow and reports an unbound required input", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const pkg = await readPackage({ path: fixture("valid-register.tgz") });
    const launchPlanId = pkg.launchPlans[0]?.id;
    const workflowId = pkg.workflows[0]?.id;
    if (launchPlanId === undefined || workflowId === undefined) throw new Error("fixture changed");
    const parent = (name: string, bound: readonly string[]): PackageEntity => {
      const id = clone(IdentifierSchema, workflowId);
      id.name = name;
      const simple = (value: SimpleType) => ({ type: { case: "simple" as const, value } });
      const spec = create(WorkflowSpecSchema, {
        template: {
          id,
          interface: {
            inputs: { variables: { a: { type: simple(SimpleType.INTEGER) }, b: { type: simple(SimpleType.STRING) } } },
          },
          nodes: [
            {
              id: "n0",
              inputs: bound.map((name) => ({
                var: name,
                binding: { value: { case: "promise" as const, value: { var: name } } },
              })),
              target: { case: "workflowNode", value: { reference: { case: "launchplanRef", value: launchPlanId } } },
            },
          ],
        },
      });
      return { kind: "workflow", file: `9${name}_2.pb`, id, spec };
    };
    const entities = [...pkg.entities, parent("binds_all", ["a", "b"]), parent("binds_a", ["a"])];
    expect(entities.every((e) => e.kind !== "workflow" || e.id.resourceType === ResourceType.WORKFLOW)).toBe(true);
    const run = await runAloft(["compile", "--file", await writePackageFolder("pkg", entities)]);
    expect(run.stdoutLines.filter((line) => /binds_|^ {4}/.test(line))).toEqual([
      expect.stringMatching(/^workflow {4}binds_a +- {2}FAILED$/),
      expect.stringMatching(/^ {4}ParameterNotBound at node n0: .*\bb\b/),
      expect.stringMatching(/^workflow {4}binds_all +- {2}ok$/),
    ]);
    expect(run.stdoutLines.at(-1)).toBe("compiled 5, failed 1");
  });
});

describe("aloft compile with a bad file prints one line naming it and exits 1", () => {
  it("a path that does not exist", async () => {
    expectOneErrorLine(
      await runAloft(["compile", "--file", join(dir, "nope.tgz")]),
      `aloft: no such file or folder: ${dir}/nope.tgz`,
    );
  });

  it("an empty archive, and a folder with no .pb files", async () => {
    await writeFile(join(dir, "empty.tgz"), tgzBytes([]));
    await mkdir(join(dir, "folder"));
    await writeFile(join(dir, "folder", "notes.txt"), "no protobufs here");
    expectOneErrorLine(
      await runAloft(["compile", "--file", join(dir, "empty.tgz")]),
      `aloft: ${dir}/empty.tgz: no .pb files in this archive (it is empty)`,
    );
    expectOneErrorLine(
      await runAloft(["compile", "--file", join(dir, "folder")]),
      `aloft: ${dir}/folder: no .pb files in this folder (it holds 1 other file)`,
    );
  });

  it("a truncated protobuf", async () => {
    const spec = create(WorkflowSpecSchema, { template: { id: { resourceType: ResourceType.WORKFLOW, name: "wf" } } });
    const bytes = toBinary(WorkflowSpecSchema, spec);
    await writeFile(join(dir, "p.tgz"), tgzBytes([{ path: "1_wf_2.pb", data: bytes.subarray(0, bytes.length - 2) }]));
    expectOneErrorLine(
      await runAloft(["compile", "--file", join(dir, "p.tgz")]),
      `aloft: 1_wf_2.pb in ${dir}/p.tgz: not a task, workflow or launch plan (read as a workflow: invalid protobuf: premature EOF)`,
    );
  });

  it("a .pb file holding another message type", async () => {
    await mkdir(join(dir, "pkg"));
    const literal = create(LiteralSchema, {
      value: {
        case: "scalar",
        value: { value: { case: "primitive", value: { value: { case: "integer", value: 7n } } } },
      },
    });
    await writeFile(join(dir, "pkg", "1_x_3.pb"), toBinary(LiteralSchema, literal));
    expectOneErrorLine(
      await runAloft(["compile", "--file", join(dir, "pkg")]),
      `aloft: ${dir}/pkg/1_x_3.pb: not a task, workflow or launch plan (read as a launch plan: it has no id)`,
    );
  });

  it("corrupt gzip data", async () => {
    const bytes = tgzBytes([{ path: "1_t_1.pb", data: "x".repeat(4000) }]);
    await writeFile(join(dir, "bad.tgz"), bytes.subarray(0, bytes.length - 12));
    expectOneErrorLine(
      await runAloft(["compile", "--file", join(dir, "bad.tgz")]),
      `aloft: ${dir}/bad.tgz: truncated gzip data`,
    );
  });

  it("an archive entry whose path escapes the package", async () => {
    await writeFile(join(dir, "evil.tgz"), tgzBytes([{ path: "../../../tmp/evil_1.pb", data: "x" }]));
    expectOneErrorLine(
      await runAloft(["compile", "--file", join(dir, "evil.tgz")]),
      `aloft: ${dir}/evil.tgz: entry "../../../tmp/evil_1.pb" points outside the archive; refusing to read it`,
    );
  });
});
