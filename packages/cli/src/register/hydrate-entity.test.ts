import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { findSharedFixtures, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { describe, expect, it } from "vitest";
import type { PackageEntity } from "../package/package-entity.js";
import { readPackage } from "../package/read-package.js";
import { argListsOf, identifiersOf } from "./entity-parts.js";
import { hydrateEntity, needsRegistrationVersion, usesCodeArchive, type HydrationSettings } from "./hydrate-entity.js";
import { scheduledLaunchPlanProblem } from "./scheduled-launch-plan.js";

const SETTINGS: HydrationSettings = {
  project: "flytesnacks",
  domain: "development",
  version: "v9",
  force: false,
  remotePackagePath: "s3://bucket/fast/code.tar.gz",
  destinationDirectory: "/root",
};

const id = (name: string, version = "{{ registration.version }}") => ({
  resourceType: ResourceType.TASK,
  project: "{{ registration.project }}",
  domain: "",
  name,
  version,
});

const fastArgs = () => [
  "fast",
  "--additional-distribution",
  "{{ .remote_package_path }}",
  "--dest-dir",
  "{{ .dest_dir }}",
];

/** A workflow with references in a branch (then, elif, else), an array node, a failure node and a sub-workflow. */
function nestedWorkflow(): PackageEntity {
  const taskNode = (name: string, version?: string) => ({
    target: {
      case: "taskNode" as const,
      value: { reference: { case: "referenceId" as const, value: id(name, version) } },
    },
  });
  const spec = create(WorkflowSpecSchema, {
    template: {
      id: { ...id("wf"), resourceType: ResourceType.WORKFLOW },
      nodes: [
        {
          id: "n0",
          target: {
            case: "branchNode",
            value: {
              ifElse: {
                case: { thenNode: taskNode("then") },
                other: [{ thenNode: taskNode("elif") }],
                default: { case: "elseNode", value: taskNode("else", "pinned") },
              },
            },
          },
        },
        { id: "n1", target: { case: "arrayNode", value: { node: taskNode("mapped") } } },
        {
          id: "n2",
          target: {
            case: "workflowNode",
            value: {
              reference: { case: "launchplanRef", value: { ...id("lp"), resourceType: ResourceType.LAUNCH_PLAN } },
            },
          },
        },
        {
          id: "n3",
          target: {
            case: "taskNode",
            value: {
              reference: { case: "referenceId", value: id("pod") },
              overrides: { podTemplate: { podSpec: { containers: [{ name: "primary", args: fastArgs() }] } } },
            },
          },
        },
      ],
      failureNode: { id: "fn", ...taskNode("cleanup") },
    },
    subWorkflows: [
      { id: { ...id("sub"), resourceType: ResourceType.WORKFLOW }, nodes: [{ id: "s0", ...taskNode("inner") }] },
    ],
  });
  return { kind: "workflow", file: "2_wf_2.pb", id: spec.template!.id!, spec };
}

describe("hydrateEntity", () => {
  it("fills project, domain and version into every identifier a workflow holds, keeping concrete versions", () => {
    const entity = nestedWorkflow();
    const hydrated = hydrateEntity(entity, SETTINGS);
    const ids = identifiersOf(hydrated).map((i) => `${i.project}/${i.domain}/${i.name}@${i.version}`);
    expect(ids.sort()).toEqual(
      [
        "flytesnacks/development/cleanup@v9",
        "flytesnacks/development/elif@v9",
        "flytesnacks/development/else@pinned",
        "flytesnacks/development/inner@v9",
        "flytesnacks/development/lp@v9",
        "flytesnacks/development/mapped@v9",
        "flytesnacks/development/pod@v9",
        "flytesnacks/development/sub@v9",
        "flytesnacks/development/then@v9",
        "flytesnacks/development/wf@v9",
      ].sort(),
    );
    expect(hydrated.id).toMatchObject({ project: "flytesnacks", name: "wf", version: "v9" });
    // The pod-template override of a task node gets the code archive too; the input is left as it was.
    expect(argListsOf(hydrated)).toEqual([
      ["fast", "--additional-distribution", "s3://bucket/fast/code.tar.gz", "--dest-dir", "/root"],
    ]);
    expect(identifiersOf(entity).every((i) => i.project === "{{ registration.project }}")).toBe(true);
    expect(usesCodeArchive(entity)).toBe(true);
    expect(usesCodeArchive(hydrated)).toBe(false);
  });

  it("replaces concrete versions too with force", () => {
    const hydrated = hydrateEntity(nestedWorkflow(), { ...SETTINGS, force: true });
    expect(identifiersOf(hydrated).every((i) => i.version === "v9")).toBe(true);
  });

  it("fills container and pod-spec task arguments, defaulting the destination to '.', and leaves the package path in a dry run", () => {
    const container = create(TaskSpecSchema, {
      template: { id: id("t"), type: "python-task", target: { case: "container", value: { args: fastArgs() } } },
    });
    const pod = create(TaskSpecSchema, {
      template: {
        id: id("p"),
        type: "python-task",
        target: {
          case: "k8sPod",
          value: {
            podSpec: { containers: [{ name: "a", args: fastArgs() }, { name: "sidecar" }, { name: "b", args: ["x"] }] },
          },
        },
      },
    });
    const settings = { ...SETTINGS, destinationDirectory: "" };
    const task = hydrateEntity(
      { kind: "task", file: "t_1.pb", id: container.template!.id!, spec: container },
      settings,
    );
    expect(argListsOf(task)).toEqual([
      ["fast", "--additional-distribution", "s3://bucket/fast/code.tar.gz", "--dest-dir", "."],
    ]);
    const podTask = hydrateEntity({ kind: "task", file: "p_1.pb", id: pod.template!.id!, spec: pod }, settings);
    expect(argListsOf(podTask)).toEqual([
      ["fast", "--additional-distribution", "s3://bucket/fast/code.tar.gz", "--dest-dir", "."],
      ["x"],
    ]);
    const dry = hydrateEntity(
      { kind: "task", file: "t_1.pb", id: container.template!.id!, spec: container },
      { ...settings, remotePackagePath: undefined },
    );
    expect(argListsOf(dry)[0]?.[2]).toBe("{{ .remote_package_path }}");
  });

  it("sets a launch plan's role, service account and output prefix as flytectl does", () => {
    const launchPlan = create(LaunchPlanSchema, {
      id: { ...id("lp"), resourceType: ResourceType.LAUNCH_PLAN },
      spec: { workflowId: { ...id("wf"), resourceType: ResourceType.WORKFLOW } },
    });
    const entity: PackageEntity = { kind: "launchPlan", file: "lp_3.pb", id: launchPlan.id!, launchPlan };
    const hydrated = hydrateEntity(entity, {
      ...SETTINGS,
      assumableIamRole: "arn:aws:iam::1:role/r",
      k8sServiceAccount: "sa",
      outputLocationPrefix: "s3://out/prefix",
    });
    expect(hydrated.kind === "launchPlan" && hydrated.launchPlan.spec).toMatchObject({
      workflowId: { project: "flytesnacks", domain: "development", name: "wf", version: "v9" },
      authRole: { assumableIamRole: "arn:aws:iam::1:role/r", kubernetesServiceAccount: "sa" },
      securityContext: { runAs: { iamRole: "arn:aws:iam::1:role/r", k8sServiceAccount: "sa" } },
      rawOutputDataConfig: { outputLocationPrefix: "s3://out/prefix" },
    });
    const plain = hydrateEntity(entity, SETTINGS);
    expect(
      plain.kind === "launchPlan" && [plain.launchPlan.spec?.authRole, plain.launchPlan.spec?.rawOutputDataConfig],
    ).toEqual([undefined, undefined]);
  });

  it("says which entities need --version", () => {
    expect(needsRegistrationVersion(nestedWorkflow())).toBe(true);
    const pinned = create(TaskSpecSchema, { template: { id: { ...id("t"), version: "abc" }, type: "x" } });
    expect(needsRegistrationVersion({ kind: "task", file: "t_1.pb", id: pinned.template!.id!, spec: pinned })).toBe(
      false,
    );
    expect(() => hydrateEntity(nestedWorkflow(), { ...SETTINGS, version: undefined })).toThrow(
      "has no version and none was given",
    );
  });
});

describe("scheduledLaunchPlanProblem", () => {
  it("needs a default or fixed value for every workflow input but the kickoff time", () => {
    const spec = create(LaunchPlanSchema, {
      spec: {
        entityMetadata: { schedule: { kickoffTimeInputArg: "kickoff" } },
        defaultInputs: {
          parameters: {
            a: { behavior: { case: "default", value: {} } },
            b: { behavior: { case: "required", value: true } },
            kickoff: { behavior: { case: "required", value: true } },
          },
        },
        fixedInputs: { literals: { c: {} } },
      },
    }).spec!;
    expect(scheduledLaunchPlanProblem(spec, ["kickoff", "a", "c"])).toBeUndefined();
    expect(scheduledLaunchPlanProblem(spec, ["kickoff", "d", "a", "b", "c"])).toBe(
      "param values are missing on scheduled workflow for the following params [b d]. Either specify them having a default or fixed value",
    );
  });
});

const fixtures = findSharedFixtures();
describe.skipIf(fixtures === undefined)(
  `hydrating flytekit's packages${fixtures === undefined ? ` (${SHARED_FIXTURES_MISSING})` : ""}`,
  () => {
    it("leaves no placeholder and no empty project, domain or version in flytesnacks' 84 entities", async () => {
      const pkg = await readPackage({ path: join(fixtures!, "flytekit-serialized", "flytesnacks-core.tgz") });
      expect(pkg.entities).toHaveLength(84);
      const hydrated = pkg.entities.map((entity) => hydrateEntity(entity, SETTINGS));
      const leftovers = hydrated.flatMap((entity) =>
        identifiersOf(entity)
          .filter((i) => [i.project, i.domain, i.version].some((v) => v === "" || v.includes("{{")))
          .map((i) => `${entity.file}: ${i.name}`),
      );
      expect(leftovers).toEqual([]);
      const args = hydrated.flatMap((entity) => argListsOf(entity).flat());
      expect(args.filter((a) => typeof a === "string" && a.includes("{{ ."))).toEqual([]);
      expect(args.filter((a) => a === "s3://bucket/fast/code.tar.gz").length).toBeGreaterThan(10);
    });
  },
);
