/*
 * `aloft register files` against a live admin: every package Flyte's Python SDK wrote, an `aloft package` of the
 * examples with its code bundle, and the ways registration fails. Needs the build (`aloft package` bundles with
 * the SDK's dist, and the admin runs from its dist).
 */
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { LaunchPlanSchema, LaunchPlanState } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { findSharedFixtures, makeTempDir, repoRoot, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClients, type AdminClients } from "../client/admin-clients.js";
import { parseAdminEndpoint } from "../client/admin-endpoint.js";
import { startLiveAdmin, type LiveAdmin } from "../client/live-admin.test-helper.js";
import type { PackageEntity } from "../package/package-entity.js";
import { readArchive } from "../package/read-archive.js";
import { compileReadPackageOptions, readPackage } from "../package/read-package.js";
import { runAloft, type AloftRun } from "../run-aloft.test-helper.js";

const fixturesDir = findSharedFixtures();
const serialized = fixturesDir === undefined ? undefined : join(fixturesDir, "flytekit-serialized");

let admin: LiveAdmin;
let clients: AdminClients;
let work: string;
let cleanupWork: () => Promise<void>;
beforeAll(async () => {
  admin = await startLiveAdmin();
  clients = await createAdminClients({
    endpoint: parseAdminEndpoint(admin.url, { insecure: true, source: "test" }),
    endpointSource: "test",
    insecureSkipVerify: false,
  });
  ({ path: work, cleanup: cleanupWork } = await makeTempDir("aloft-cli-register-"));
});
afterAll(async () => {
  clients?.close();
  await admin?.stop();
  await cleanupWork?.();
});

/** `aloft register files … -p flytesnacks -d development --admin <live admin>`, with HOME in the temp dir. */
function register(args: readonly string[], options: { cwd?: string; target?: boolean } = {}): Promise<AloftRun> {
  const target = options.target === false ? [] : ["-p", "flytesnacks", "-d", "development", "--admin", admin.url];
  return runAloft(["register", "files", ...args, ...target], { env: { HOME: work }, cwd: options.cwd ?? work });
}

/** The rows of the results table (without the header and the summary), as [name, status, info]. */
function rows(run: AloftRun): string[][] {
  return run.stdoutLines.slice(1, -1).map((line) => {
    const [name = "", status = "", ...info] = line.split(/ {2,}/);
    return [name, status, info.join("  ")];
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function fileBytes(entity: PackageEntity): Uint8Array {
  switch (entity.kind) {
    case "task":
      return toBinary(TaskSpecSchema, entity.spec);
    case "workflow":
      return toBinary(WorkflowSpecSchema, entity.spec);
    case "launchPlan":
      return toBinary(LaunchPlanSchema, entity.launchPlan);
  }
}

/** Writes a package's entities as loose `.pb` files under `dir`, with their own names. */
async function unpack(pkg: { entities: readonly PackageEntity[] }, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const entity of pkg.entities) await writeFile(join(dir, entity.file.split("/").at(-1)!), fileBytes(entity));
}

describe.skipIf(serialized === undefined)(
  `aloft register files with flytekit's packages${serialized === undefined ? ` (${SHARED_FIXTURES_MISSING})` : ""}`,
  () => {
    it("registers every package pyflyte wrote, and again with AlreadyExists counted as success", async () => {
      const packages = (await readdir(serialized!)).filter((f) => f.endsWith(".tgz")).sort();
      expect(packages).toEqual(["flytesnacks-core.tgz", "valid-package.tgz", "valid-register.tgz"]);
      for (const [index, file] of packages.entries()) {
        const version = `fixture-${index}`;
        const first = await register([join(serialized!, file), "--archive", "--version", version]);
        expect([file, first.exitCode, first.stderr]).toEqual([file, 0, ""]);
        const entityRows = rows(first).filter(([name]) => name!.endsWith(".pb"));
        const pkg = await readPackage({ path: join(serialized!, file) });
        expect(entityRows.map(([name]) => name)).toEqual(pkg.files);
        expect(entityRows.every(([, status]) => status === "Success")).toBe(true);
        expect(first.stdoutLines[0]).toMatch(/^NAME +STATUS +ADDITIONAL INFO$/);

        const again = await register([join(serialized!, file), "--archive", "--version", version]);
        expect([file, again.exitCode]).toEqual([file, 0]);
        const infos = rows(again).filter(([name]) => name!.endsWith(".pb"));
        expect(infos.every(([, status, info]) => status === "Success" && info === "AlreadyExists")).toBe(true);
      }

      // Registered under the flags' project, domain and version, with everything compiled.
      const workflow = await clients.admin.getWorkflow({
        id: {
          resourceType: ResourceType.WORKFLOW,
          project: "flytesnacks",
          domain: "development",
          name: "recipes.core.basic.basic_workflow.my_wf",
          version: "fixture-2",
        },
      });
      expect(workflow.closure?.compiledWorkflow?.tasks.map((t) => t.template?.id?.name).sort()).toEqual([
        "recipes.core.basic.basic_workflow.t1",
        "recipes.core.basic.basic_workflow.t2",
      ]);
    });

    it("uploads pyflyte's fast-registration archive and puts its URL and the destination into the tasks", async () => {
      const version = "fast-1";
      const run = await register([
        join(serialized!, "flytesnacks-core.tgz"),
        "--archive",
        "--version",
        version,
        "--destinationDirectory",
        "/root",
      ]);
      expect(run.exitCode).toBe(0);
      const upload = rows(run)[0]!;
      expect(upload.slice(0, 2)).toEqual(["core/_pb_output/fasted4a62b5c4359e9aed745fa1197a9ea0.tar.gz", "Success"]);
      const nativeUrl = /^Uploaded to (.+)$/.exec(upload[2]!)?.[1];
      expect(nativeUrl).toMatch(/fasted4a62b5c4359e9aed745fa1197a9ea0\.tar\.gz$/);

      const task = await clients.admin.getTask({
        id: {
          resourceType: ResourceType.TASK,
          project: "flytesnacks",
          domain: "development",
          name: "core.control_flow.dynamics.return_index",
          version,
        },
      });
      const target = task.closure?.compiledTask?.template?.target;
      expect(target?.case === "container" && target.value.args.slice(0, 5)).toEqual([
        "pyflyte-fast-execute",
        "--additional-distribution",
        nativeUrl,
        "--dest-dir",
        "/root",
      ]);
      const bundled = await readArchive({
        path: join(serialized!, "flytesnacks-core.tgz"),
        where: "fixture",
        limits: compileReadPackageOptions({ path: "x" }),
        keep: (path) => path.endsWith(".tar.gz"),
      });
      expect(Buffer.from(await admin.service.blobStore.get(nativeUrl!))).toEqual(
        Buffer.from(bundled.keptFiles[0]!.bytes),
      );
    });

    it("needs --version for pyflyte's placeholders, and --version for --force", async () => {
      const missing = await register([join(serialized!, "valid-register.tgz"), "--archive"]);
      expect([missing.exitCode, missing.stdout, missing.stderrLines]).toEqual([
        2,
        "",
        [
          "aloft: 014_recipes.core.basic.basic_workflow.t1_1.pb leaves its version to registration ({{ registration.version }})",
          "hint: pass --version <version> (packages from aloft package carry their own)",
        ],
      ]);
      const force = await register([join(serialized!, "valid-register.tgz"), "--archive", "--force"]);
      expect([force.exitCode, force.stderrLines[0]]).toEqual([
        2,
        "aloft: --force needs --version: it replaces every version with that one",
      ]);
    });

    it("stops at the first failure unless --continueOnError, and exits 1 either way", async () => {
      const dir = join(work, "continue");
      await mkdir(dir);
      // The scheduled launch plan's workflow was never registered: its check against admin fails first.
      await copyFile(join(serialized!, "152_my_cron_scheduled_lp_3.pb"), join(dir, "152_my_cron_scheduled_lp_3.pb"));
      await copyFile(
        join(serialized!, "69_core.flyte_basics.lp.greet_1.pb"),
        join(dir, "69_core.flyte_basics.lp.greet_1.pb"),
      );

      const stopped = await register(["continue/*.pb", "--version", "c1"]);
      expect([stopped.exitCode, stopped.stderr]).toEqual([1, ""]);
      expect(rows(stopped)).toEqual([
        [
          "continue/152_my_cron_scheduled_lp_3.pb",
          "Failed",
          expect.stringMatching(/^Error registering file due to NotFound: /),
        ],
      ]);
      expect(stopped.stdoutLines.at(-1)).toBe(
        "registered 0, failed 1, not attempted 1 (stopped at the first failure; --continueOnError goes on)",
      );

      const continued = await register(["continue", "--version", "c1", "--continueOnError"]);
      expect(continued.exitCode).toBe(1);
      expect(rows(continued).map(([name, status, info]) => [name, status, info])).toEqual([
        [
          "continue/152_my_cron_scheduled_lp_3.pb",
          "Failed",
          expect.stringMatching(/^Error registering file due to NotFound: /),
        ],
        ["continue/69_core.flyte_basics.lp.greet_1.pb", "Success", "Successfully registered file"],
      ]);
      expect(continued.stdoutLines.at(-1)).toBe("registered 1, failed 1");
    });

    it("checks a scheduled launch plan against its workflow, in the package or registered before", async () => {
      const pkg = await readPackage({ path: join(serialized!, "valid-register.tgz") });
      const dir = join(work, "scheduled");
      await unpack(pkg, dir);
      const lp = pkg.launchPlans[0]!;
      const scheduled = create(LaunchPlanSchema, lp.launchPlan);
      scheduled.spec!.entityMetadata = create(LaunchPlanSchema, {
        spec: {
          entityMetadata: {
            schedule: { kickoffTimeInputArg: "b", ScheduleExpression: { case: "rate", value: { value: 5 } } },
          },
        },
      }).spec!.entityMetadata;
      const lpFile = join(dir, lp.file);
      await writeFile(lpFile, toBinary(LaunchPlanSchema, scheduled));
      const message =
        "Error validating spec due to param values are missing on scheduled workflow for the following params [a]. Either specify them having a default or fixed value";

      const local = await register([dir, "--version", "s1"]);
      expect(local.exitCode).toBe(1);
      expect(rows(local).at(-1)).toEqual([`${dir}/${lp.file}`, "Failed", message]);

      // Now the workflow is registered (s1): the launch plan alone is checked against admin's copy.
      const alone = await register([lpFile, "--version", "s1"]);
      expect(rows(alone)).toEqual([[lpFile, "Failed", message]]);
    });

    it("activates launch plans with --enableSchedule and gives them the role and output prefix", async () => {
      const run = await register([
        join(serialized!, "valid-register.tgz"),
        "--archive",
        "--version",
        "e1",
        "--enableSchedule",
        "--k8sServiceAccount",
        "runner",
        "--outputLocationPrefix",
        "s3://bucket/raw",
      ]);
      expect(run.exitCode).toBe(0);
      const launchPlan = await clients.admin.getLaunchPlan({
        id: {
          resourceType: ResourceType.LAUNCH_PLAN,
          project: "flytesnacks",
          domain: "development",
          name: "recipes.core.basic.basic_workflow.my_wf",
          version: "e1",
        },
      });
      expect(launchPlan.closure?.state).toBe(LaunchPlanState.ACTIVE);
      expect(launchPlan.spec?.securityContext?.runAs?.k8sServiceAccount).toBe("runner");
      expect(launchPlan.spec?.rawOutputDataConfig?.outputLocationPrefix).toBe("s3://bucket/raw");
    });

    it("sends nothing with --dryRun", async () => {
      const port = await closedPort();
      const run = await runAloft(
        [
          "register",
          "files",
          join(serialized!, "flytesnacks-core.tgz"),
          "--archive",
          "--version",
          "dry",
          "--dryRun",
          "-p",
          "flytesnacks",
          "-d",
          "development",
          "--admin",
          `localhost:${port}`,
        ],
        { env: { HOME: work } },
      );
      expect([run.exitCode, run.stderr]).toEqual([0, ""]);
      const results = rows(run);
      expect(results[0]).toEqual([
        "core/_pb_output/fasted4a62b5c4359e9aed745fa1197a9ea0.tar.gz",
        "Success",
        "Dry run: not uploaded",
      ]);
      expect(
        results.slice(1).every(([, status, info]) => status === "Success" && info === "Dry run: not sent to admin"),
      ).toBe(true);
      expect(results).toHaveLength(85);
      expect(run.stdoutLines.at(-1)).toBe("checked 85, failed 0");
    });

    it("prints JSON or YAML with -o", async () => {
      const json = await register([
        join(serialized!, "valid-package.tgz"),
        "--archive",
        "--version",
        "o1",
        "-o",
        "json",
      ]);
      expect(json.exitCode).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual([
        { name: "0_example.example.generate_normal_df_1.pb", status: "Success", info: "Successfully registered file" },
        { name: "1_example.example.compute_stats_1.pb", status: "Success", info: "Successfully registered file" },
        { name: "2_example.example.wf_2.pb", status: "Success", info: "Successfully registered file" },
        { name: "3_example.example.wf_3.pb", status: "Success", info: "Successfully registered file" },
      ]);
      const yaml = await register([
        join(serialized!, "valid-package.tgz"),
        "--archive",
        "--version",
        "o1",
        "-o",
        "YAML",
      ]);
      expect(parseYaml(yaml.stdout)).toEqual(
        [
          "0_example.example.generate_normal_df_1.pb",
          "1_example.example.compute_stats_1.pb",
          "2_example.example.wf_2.pb",
          "3_example.example.wf_3.pb",
        ].map((name) => ({ name, status: "Success", info: "AlreadyExists" })),
      );
    });

    it("honours a config file pointing at admin: endpoint, project, domain and the files section", async () => {
      const config = join(work, "flytectl.yaml");
      await writeFile(
        config,
        `admin:\n  endpoint: dns:///${admin.hostPort}\n  insecure: true\nroot:\n  project: flytesnacks\n  domain: staging\nfiles:\n  version: cfg\n  archive: true\n`,
      );
      const run = await register(
        [join(serialized!, "valid-register.tgz"), "--archive", "--version", "cfg", "-c", config],
        {
          target: false,
        },
      );
      expect([run.exitCode, run.stderr]).toEqual([0, ""]);
      const task = await clients.admin.getTask({
        id: {
          resourceType: ResourceType.TASK,
          project: "flytesnacks",
          domain: "staging",
          name: "recipes.core.basic.basic_workflow.t1",
          version: "cfg",
        },
      });
      expect(task.id?.domain).toBe("staging");
    });
  },
);

describe("aloft register files with an aloft package", () => {
  it("uploads the code bundle, keeps the package's version, and registers every entity", async () => {
    const output = join(work, "examples.tgz");
    const packaged = await runAloft(["package", "examples/hello-world.ts", "examples/scheduled.ts", "-o", output], {
      cwd: repoRoot,
    });
    expect([packaged.exitCode, packaged.stderr]).toEqual([0, ""]);
    const version = /version (\S+), into/.exec(packaged.stdoutLines.at(-1)!)?.[1];
    expect(version).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // No --version: the package's ids carry their content hash; project and domain are left for -p and -d.
    const run = await runAloft(
      ["register", "files", output, "--archive", "-p", "flytesnacks", "-d", "development", "--admin", admin.url],
      { env: { HOME: work } },
    );
    expect(run.exitCode === 0 ? "" : run.stdout + run.stderr).toBe("");
    const results = rows(run);
    const codeArchive = results[0]!;
    expect(codeArchive[0]).toMatch(/^fast[0-9a-f]{32}\.tar\.gz$/);
    const nativeUrl = /^Uploaded to (.+)$/.exec(codeArchive[2]!)![1]!;
    expect(results.slice(1).map(([name, status]) => [name, status])).toEqual(
      (await readPackage({ path: output })).files.map((file) => [file, "Success"]),
    );

    const task = await clients.admin.getTask({
      id: {
        resourceType: ResourceType.TASK,
        project: "flytesnacks",
        domain: "development",
        name: "examples.hello-world.sayHello",
        version: version!,
      },
    });
    const target = task.closure?.compiledTask?.template?.target;
    const args = target?.case === "container" ? target.value.args : [];
    expect(args.slice(0, 6)).toEqual([
      "aloft-fast-execute",
      "--additional-distribution",
      nativeUrl,
      "--dest-dir",
      ".",
      "--",
    ]);

    const bundle = await readArchive({
      path: output,
      where: "package",
      limits: compileReadPackageOptions({ path: "x" }),
      keep: (path) => path.startsWith("fast"),
    });
    expect(Buffer.from(await admin.service.blobStore.get(nativeUrl))).toEqual(Buffer.from(bundle.keptFiles[0]!.bytes));

    // The hourly schedule supplies its inputs (region by default, the window by the workflow's default).
    const hourly = await clients.admin.getLaunchPlan({
      id: {
        resourceType: ResourceType.LAUNCH_PLAN,
        project: "flytesnacks",
        domain: "development",
        name: "examples.scheduled.hourlyReport",
        version: version!,
      },
    });
    expect(hourly.spec?.entityMetadata?.schedule?.kickoffTimeInputArg).toBe("kickoff");
  });
});

describe("aloft register files: bad input", () => {
  it.each([
    [
      ["x_1.pb", "--admin", "localhost:1"],
      2,
      ["aloft: register files needs a project: -p <project>", "hint: or set root.project in the config file"],
    ],
    [
      ["x_1.pb", "-p", "p", "--admin", "localhost:1"],
      2,
      ["aloft: register files needs a domain: -d <domain>", "hint: or set root.domain in the config file"],
    ],
    [
      ["x_1.pb", "-p", "p", "-d", "d", "-o", "dot"],
      2,
      ["aloft: unsupported output format dot: use table, json or yaml"],
    ],
    [
      ["x_1.pb", "-p", "p", "-d", "d", "--admin", "grpc://h"],
      2,
      [
        expect.stringMatching(/^aloft: --admin: "grpc:\/\/h" is not an admin endpoint/),
        expect.stringMatching(/^hint: /),
      ],
    ],
    [["missing_1.pb", "-p", "p", "-d", "d"], 2, ["aloft: no such file: missing_1.pb"]],
    [
      ["-p", "p", "-d", "d"],
      2,
      ["aloft: missing required argument 'files'", "hint: run 'aloft register files --help' for usage"],
    ],
    [
      ["x_1.pb", "-p", "p", "-d", "d", "--bogus"],
      2,
      ["aloft: unknown option '--bogus'", "hint: run 'aloft register files --help' for usage"],
    ],
  ])("aloft register files %j exits %i with one line", async (args, code, lines) => {
    const run = await runAloft(["register", "files", ...args], { env: { HOME: work }, cwd: work });
    expect([run.exitCode, run.stdout, run.stderrLines]).toEqual([code, "", lines]);
  });

  it("refuses archives holding other files, and files that decode as nothing", async () => {
    const dir = join(work, "bad");
    await mkdir(dir);
    await writeFile(join(dir, "0_t_1.pb"), Buffer.from([0xff, 0xff, 0xff]));
    await writeFile(join(dir, "README.md"), "hello");
    const invalid = await register([dir]);
    expect([invalid.exitCode, invalid.stdout, invalid.stderrLines[0]]).toEqual([
      1,
      "",
      `aloft: the input has files that are neither .pb files nor a fast….tar.gz code archive: ${dir}/README.md`,
    ]);

    const broken = await register([join(dir, "0_t_1.pb"), "--version", "b1"]);
    expect(broken.exitCode).toBe(1);
    expect(rows(broken)).toEqual([
      [join(dir, "0_t_1.pb"), "Failed", expect.stringMatching(/^Error unmarshalling file due to .*0_t_1\.pb: /)],
    ]);
  });

  it("says admin cannot be reached, in one line, when nothing listens there", async () => {
    const port = await closedPort();
    const file = join(work, "greet_1.pb");
    await writeFile(
      file,
      toBinary(
        TaskSpecSchema,
        create(TaskSpecSchema, {
          template: { id: { resourceType: ResourceType.TASK, name: "greet", version: "v1" }, type: "python-task" },
        }),
      ),
    );
    const run = await runAloft(
      ["register", "files", file, "-p", "flytesnacks", "-d", "development", "--admin", `127.0.0.1:${port}`],
      { env: { HOME: work } },
    );
    expect([run.exitCode, run.stdout]).toEqual([1, ""]);
    expect(run.stderrLines).toEqual([
      `aloft: cannot reach admin at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (is \`aloft start\` running?)`,
    ]);
  });

  it("needs the code archive when tasks run one", async () => {
    const file = join(work, "fast_task_1.pb");
    const args = [
      "aloft-fast-execute",
      "--additional-distribution",
      "{{ .remote_package_path }}",
      "--",
      "aloft-execute",
    ];
    const spec = create(TaskSpecSchema, {
      template: {
        id: { resourceType: ResourceType.TASK, name: "fast", version: "v1" },
        type: "python-task",
        target: { case: "container", value: { image: "node:20", args } },
      },
    });
    await writeFile(file, toBinary(TaskSpecSchema, spec));
    const run = await register([file]);
    expect([run.exitCode, run.stdout, run.stderrLines]).toEqual([
      2,
      "",
      [
        `aloft: ${file} runs a fast-registered code archive, but no fast….tar.gz was given`,
        "hint: register the whole package (with --archive for a .tgz), code archive included",
      ],
    ]);
  });
});
