import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { t } from "../types/index.js";
import { isEntity } from "./entity.js";
import { defaultLaunchPlan } from "./launch-plan.js";
import { map } from "./map-task.js";
import { assignLocation, findEntity, findTask, listEntities } from "./registry.js";
import { task } from "./task.js";
import { workflow } from "./workflow.js";

describe("the entity registry", () => {
  test("is one per process, shared by every copy of the SDK through a registry symbol", () => {
    const mine = task({ name: "registry.shared" }, () => {});
    const shared = (globalThis as Record<symbol, { entities: unknown[] }>)[Symbol.for("aloft.sdk.registry")];
    expect(shared?.entities).toContain(mine);
    expect(listEntities()).toContain(mine);
  });

  test("the module loader names unnamed entities, keeps explicit names and first locations", () => {
    const named = task({ name: "explicit.name" }, () => {});
    const unnamed = task({}, () => {});
    assignLocation(named, { module: "flows/a", exportName: "named" });
    assignLocation(unnamed, { module: "flows/a", exportName: "unnamed" });
    assignLocation(unnamed, { module: "flows/b", exportName: "again" });
    expect(named.name).toBe("explicit.name");
    expect(named.location).toEqual({ module: "flows/a", exportName: "named" });
    expect(unnamed.name).toBe("flows.a.unnamed");
    expect(unnamed.location).toEqual({ module: "flows/a", exportName: "unnamed" });
  });

  test("default launch plans and map tasks follow the names of what they wrap", () => {
    const inc = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x + 1);
    const wf = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => inc({ x }));
    const lp = defaultLaunchPlan(wf);
    const mapped = map(inc);
    expect(lp.name).toBeUndefined();
    expect(mapped.name).toBeUndefined();
    assignLocation(inc, { module: "flows/names", exportName: "inc" });
    assignLocation(wf, { module: "flows/names", exportName: "wf" });
    expect(lp.name).toBe("flows.names.wf");
    expect(findEntity("launch-plan", "flows.names.wf")).toBe(lp);
    expect(mapped.name).toMatch(/^flows\.names\.map_inc_[0-9a-f]{32}-arraynode$/);
    expect(findTask("flows.names.inc")).toBe(inc);
  });

  test("entities are callable functions that are still recognised and printed as entities", () => {
    const printed = task({ name: "printed.task" }, () => {});
    expect(typeof printed).toBe("function");
    expect(isEntity(printed)).toBe(true);
    expect(printed.kind).toBe("task");
    expect(inspect(printed)).toBe("[task printed.task]");
  });
});
