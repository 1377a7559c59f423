import { booleanLiteral, booleanType, Code, integerLiteral, integerType } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  SignalGetOrCreateRequestSchema,
  SignalListRequestSchema,
  SignalSetRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import { expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import { testContext as ctx, failure } from "./registration-harness.test-helper.js";
import { createSignalManager } from "./signal-manager.js";

const executionId = { project: "admintests", domain: "development", name: "exec1" };
const signalId = (id: string) => ({ executionId, signalId: id });

describeEachDialect("SignalManager", (db) => {
  const manager = () => createSignalManager({ repos: db().repos });

  it("creates a signal with its type once and returns the stored one afterwards", async () => {
    const signals = manager();
    const created = await signals.getOrCreateSignal(
      create(SignalGetOrCreateRequestSchema, { id: signalId("approve"), type: booleanType() }),
      ctx,
    );
    expect(created.id?.signalId).toBe("approve");
    expect(created.type).toEqual(booleanType());
    const again = await signals.getOrCreateSignal(
      create(SignalGetOrCreateRequestSchema, { id: signalId("approve"), type: integerType() }),
      ctx,
    );
    expect(again.type).toEqual(booleanType());
  });

  it("sets a value castable to the signal's type and refuses others", async () => {
    const signals = manager();
    await signals.getOrCreateSignal(
      create(SignalGetOrCreateRequestSchema, { id: signalId("approve"), type: booleanType() }),
      ctx,
    );
    await signals.setSignal(
      create(SignalSetRequestSchema, { id: signalId("approve"), value: booleanLiteral(true) }),
      ctx,
    );
    const listed = await signals.listSignals(
      create(SignalListRequestSchema, { workflowExecutionId: executionId, limit: 10 }),
      ctx,
    );
    expect(listed.signals.map((s) => s.value)).toEqual([booleanLiteral(true)]);

    const wrong = await failure(() =>
      signals.setSignal(create(SignalSetRequestSchema, { id: signalId("approve"), value: integerLiteral(3) }), ctx),
    );
    expect([wrong.code, wrong.rawMessage]).toEqual([
      Code.InvalidArgument,
      "requested signal value [3] is not castable to existing signal type [boolean]",
    ]);
    const missing = await failure(() =>
      signals.setSignal(create(SignalSetRequestSchema, { id: signalId("nope"), value: booleanLiteral(true) }), ctx),
    );
    expect([missing.code, missing.rawMessage]).toEqual([
      Code.InvalidArgument,
      "failed to validate that signal [{ExecutionKey:{Project:admintests Domain:development Name:exec1} SignalID:nope}] exists, err: [signal does not exist]",
    ]);
  });

  it("lists an execution's signals with filters and pages", async () => {
    const signals = manager();
    for (const id of ["a", "b", "c"]) {
      await signals.getOrCreateSignal(
        create(SignalGetOrCreateRequestSchema, { id: signalId(id), type: booleanType() }),
        ctx,
      );
    }
    const page = await signals.listSignals(
      create(SignalListRequestSchema, { workflowExecutionId: executionId, limit: 2 }),
      ctx,
    );
    expect(page.signals.map((s) => s.id?.signalId)).toEqual(["a", "b"]);
    expect(page.token).toBe("2");
    const filtered = await signals.listSignals(
      create(SignalListRequestSchema, { workflowExecutionId: executionId, limit: 10, filters: "eq(signal_id,c)" }),
      ctx,
    );
    expect(filtered.signals.map((s) => s.id?.signalId)).toEqual(["c"]);
  });

  it("checks requests as flyteadmin does", async () => {
    const signals = manager();
    const noType = await failure(() =>
      signals.getOrCreateSignal(create(SignalGetOrCreateRequestSchema, { id: signalId("a") }), ctx),
    );
    expect([noType.code, noType.rawMessage]).toEqual([Code.InvalidArgument, "missing type"]);
    const noSignalId = await failure(() =>
      signals.getOrCreateSignal(create(SignalGetOrCreateRequestSchema, { id: signalId(""), type: booleanType() }), ctx),
    );
    expect(noSignalId.rawMessage).toBe("missing signal_id");
    const noLimit = await failure(() =>
      signals.listSignals(create(SignalListRequestSchema, { workflowExecutionId: executionId }), ctx),
    );
    expect(noLimit.rawMessage).toBe("invalid value for limit");
    const noValue = await failure(() => signals.setSignal(create(SignalSetRequestSchema, { id: signalId("a") }), ctx));
    expect(noValue.rawMessage).toBe("missing value");
  });
});
