import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { findSharedFixtures, makeTempDir, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { fileUri, FsBlobStore, readProto, readProtoIfExists, writeProto } from "./index.js";
import { expectAloftError } from "./blob-store-suite.test-helper.js";

const inputs = create(LiteralMapSchema, {
  literals: {
    x: {
      value: {
        case: "scalar",
        value: { value: { case: "primitive", value: { value: { case: "integer", value: 42n } } } },
      },
    },
    s: {
      value: {
        case: "scalar",
        value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "hi" } } } },
      },
    },
  },
});

describe("proto-io", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let store: FsBlobStore;
  let uri: string;

  beforeEach(async () => {
    dir = await makeTempDir("aloft-proto-io-");
    store = new FsBlobStore({ root: dir.path });
    uri = `${fileUri(dir.path)}/p-d-e/n0/data/inputs.pb`;
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("writes the binary encoding and reads back an equal message", async () => {
    const result = await writeProto(store, uri, LiteralMapSchema, inputs);

    expect(await store.get(uri)).toEqual(toBinary(LiteralMapSchema, inputs));
    expect(result.sizeBytes).toBe(toBinary(LiteralMapSchema, inputs).byteLength);
    expect(equals(LiteralMapSchema, await readProto(store, uri, LiteralMapSchema), inputs)).toBe(true);
  });

  it("keeps NotFound for a missing file, and readProtoIfExists turns it into undefined", async () => {
    await expectAloftError(readProto(store, uri, LiteralMapSchema), Code.NotFound, `no object at ${uri}`);
    expect(await readProtoIfExists(store, uri, LiteralMapSchema)).toBeUndefined();
    await writeProto(store, uri, LiteralMapSchema, inputs);
    expect((await readProtoIfExists(store, uri, LiteralMapSchema))?.literals["s"]).toBeDefined();
  });

  it("reports a corrupted file as DataLoss naming the URI and the message type", async () => {
    const encoded = toBinary(LiteralMapSchema, inputs);
    await store.put(uri, encoded.subarray(0, encoded.byteLength - 3));

    await expectAloftError(
      readProto(store, uri, LiteralMapSchema),
      Code.DataLoss,
      new RegExp(`^${uri.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} does not hold a valid flyteidl\\.core\\.LiteralMap: `),
    );
    await expectAloftError(readProtoIfExists(store, uri, LiteralMapSchema), Code.DataLoss, /does not hold a valid/);
  });

  it("refuses files above maxSizeBytes", async () => {
    await writeProto(store, uri, LiteralMapSchema, inputs);
    await expectAloftError(
      readProto(store, uri, LiteralMapSchema, { maxSizeBytes: 4 }),
      Code.ResourceExhausted,
      /download limit/,
    );
  });

  it("reads a launch plan written by Flyte's Python SDK", async (ctx) => {
    const shared = findSharedFixtures();
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    await mkdir(join(dir.path, "pkg"));
    await copyFile(
      join(shared!, "flytekit-serialized", "152_my_cron_scheduled_lp_3.pb"),
      join(dir.path, "pkg", "lp.pb"),
    );

    const plan = await readProto(store, `${fileUri(dir.path)}/pkg/lp.pb`, LaunchPlanSchema);

    expect(plan.id?.name).toMatch(/cron/);
    expect(plan.spec?.entityMetadata?.schedule?.ScheduleExpression.case).toBeDefined();
  });
});
