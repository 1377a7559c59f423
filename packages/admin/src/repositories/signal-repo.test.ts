import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { identifierFilters } from "./filters/filter-expression.js";
import { describeEachDialect } from "./test-databases.test-helper.js";

const executionId = { project: "p", domain: "d", name: "e" };
const row = (signalId: string, type = new Uint8Array([1])) => ({
  execution_project: "p",
  execution_domain: "d",
  execution_name: "e",
  signal_id: signalId,
  type,
  value: null,
});

describeEachDialect("SignalRepo", (db) => {
  it("creates a signal once and returns the stored one afterwards, even under concurrent calls", async () => {
    const { signals } = db().repos;
    const results = await Promise.all([
      signals.getOrCreate(row("s1")),
      signals.getOrCreate(row("s1", new Uint8Array([9]))),
    ]);
    expect(results.map((result) => result.created).sort()).toEqual([false, true]);
    expect(new Set(results.map((result) => result.row.id)).size).toBe(1);
    const again = await signals.getOrCreate(row("s1", new Uint8Array([9])));
    expect(again.created).toBe(false);
    expect(new Uint8Array(again.row.type)).toEqual(new Uint8Array(results.find((r) => r.created)?.row.type ?? []));
  });

  it("sets values of existing signals only", async () => {
    const { signals } = db().repos;
    await signals.getOrCreate(row("s1"));
    await signals.setValue({ executionId, signalId: "s1" }, new Uint8Array([4, 2]));
    expect(new Uint8Array((await signals.get({ executionId, signalId: "s1" })).value ?? [])).toEqual(
      new Uint8Array([4, 2]),
    );
    await expect(signals.setValue({ executionId, signalId: "nope" }, new Uint8Array())).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "signal does not exist",
    });
    await expect(signals.get({ executionId, signalId: "nope" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "signal does not exist",
    });
  });

  it("lists an execution's signals", async () => {
    const { signals } = db().repos;
    for (const id of ["b", "a"]) await signals.getOrCreate(row(id));
    await signals.getOrCreate({ ...row("x"), execution_name: "other" });
    const listed = await signals.list({ filters: identifierFilters("s", executionId), limit: 10 });
    expect(listed.map((signal) => signal.signal_id)).toEqual(["b", "a"]);
  });
});
