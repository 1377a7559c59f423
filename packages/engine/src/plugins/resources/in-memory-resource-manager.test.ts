import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { TaskExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { allocationScopePrefixes, allocationToken, createInMemoryResourceManager } from "../../index.js";

const token = (project: string, domain: string, name: string) => `ex:${project}:${domain}:${name}-${name}-n0-0`;
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("allocationToken", () => {
  it("is Flyte's ex:<project>:<domain>:<execName>-<token>, and its scope prefixes have no trailing separator", () => {
    const id = create(TaskExecutionIdentifierSchema, {
      nodeExecutionId: { nodeId: "n0", executionId: { project: "flytesnacks", domain: "development", name: "abc" } },
      retryAttempt: 1,
    });
    const t = allocationToken(id, "abc-n0-1");
    expect(t).toBe("ex:flytesnacks:development:abc-abc-n0-1");
    expect(allocationScopePrefixes(t)).toEqual({ project: "ex:flytesnacks", namespace: "ex:flytesnacks:development" });
  });
});

describe("createInMemoryResourceManager", () => {
  it("grants up to the quota, grants again to a holder, and refuses the rest until a release", async () => {
    const rm = createInMemoryResourceManager({ quotas: { pool: 2 } });
    expect(await rm.allocate("pool", token("p", "d", "a"))).toBe("granted");
    expect(await rm.allocate("pool", token("p", "d", "b"))).toBe("granted");
    expect(await rm.allocate("pool", token("p", "d", "a"))).toBe("granted");
    expect(await rm.allocate("pool", token("p", "d", "c"))).toBe("exhausted");
    await rm.release("pool", token("p", "d", "a"));
    expect(rm.allocated("pool")).toEqual([token("p", "d", "b")]);
    expect(await rm.allocate("pool", token("p", "d", "c"))).toBe("granted");
    await rm.release("pool", "never-held");
    expect(rm.allocated("pool")).toEqual([token("p", "d", "b"), token("p", "d", "c")]);
  });

  it("treats a namespace without a quota as unlimited and keeps configured quotas over registered ones", async () => {
    const rm = createInMemoryResourceManager({ quotas: { configured: 1 } });
    for (const name of ["a", "b", "c"]) expect(await rm.allocate("free", token("p", "d", name))).toBe("granted");
    rm.registerQuota("configured", 5);
    expect(rm.quotaOf("configured")).toBe(1);
    rm.registerQuota("registered", 1);
    rm.registerQuota("registered", 3);
    expect(rm.quotaOf("registered")).toBe(1);
    expect(rm.quotaOf("free")).toBeUndefined();
    expect(() => rm.registerQuota("bad", 0)).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    expect(() => createInMemoryResourceManager({ quotas: { x: 1.5 } })).toThrow(/must be > 0/);
  });

  it("applies project and project-domain scope limits by token prefix, as Flyte counts them", async () => {
    const rm = createInMemoryResourceManager({ quotas: { pool: 10 } });
    const limits = { projectScopeLimit: 2, namespaceScopeLimit: 1 };
    expect(await rm.allocate("pool", token("p", "dev", "a"), limits)).toBe("granted");
    // The project-domain scope p:dev holds 1 already.
    expect(await rm.allocate("pool", token("p", "dev", "b"), limits)).toBe("exhausted");
    expect(await rm.allocate("pool", token("p", "prod", "c"), limits)).toBe("granted");
    // The project scope p holds 2 already.
    expect(await rm.allocate("pool", token("p", "stage", "d"), limits)).toBe("exhausted");
    // Flyte's prefix has no trailing separator: project "p" also counts "p2"'s tokens, not the other way round.
    expect(await rm.allocate("pool", token("p2", "dev", "e"), limits)).toBe("granted");
    expect(await rm.allocate("pool", token("q", "dev", "f"), limits)).toBe("granted");
    // A zero limit refuses only when the set is not empty.
    const empty = createInMemoryResourceManager();
    expect(await empty.allocate("x", token("p", "d", "a"), { projectScopeLimit: 0 })).toBe("granted");
    expect(await empty.allocate("x", token("q", "d", "b"), { projectScopeLimit: 0 })).toBe("exhausted");
  });

  it("wakes waiters oldest first, one per freed token, and only those the freed room fits", async () => {
    const rm = createInMemoryResourceManager({ quotas: { pool: 2 } });
    const woken: string[] = [];
    const wait = (t: string, constraints?: { projectScopeLimit?: number }) =>
      rm.allocate("pool", t, constraints, { onAvailable: () => woken.push(t) });
    await rm.allocate("pool", token("a", "d", "1"));
    await rm.allocate("pool", token("b", "d", "2"));
    expect(await wait(token("b", "d", "3"), { projectScopeLimit: 1 })).toBe("exhausted");
    expect(await wait(token("c", "d", "4"))).toBe("exhausted");
    expect(await wait(token("c", "d", "5"))).toBe("exhausted");
    expect(rm.waiting("pool")).toEqual([token("b", "d", "3"), token("c", "d", "4"), token("c", "d", "5")]);

    // Project a's token frees a slot, but project b is at its scope limit: the next waiter that fits is woken.
    await rm.release("pool", token("a", "d", "1"));
    await flush();
    expect(woken).toEqual([token("c", "d", "4")]);
    expect(rm.waiting("pool")).toEqual([token("b", "d", "3"), token("c", "d", "5")]);

    // Someone else takes the room first: the woken waiter is refused again and keeps its place in line.
    expect(await rm.allocate("pool", token("z", "d", "9"))).toBe("granted");
    expect(await wait(token("c", "d", "4"))).toBe("exhausted");
    expect(rm.waiting("pool")).toEqual([token("b", "d", "3"), token("c", "d", "4"), token("c", "d", "5")]);

    await rm.release("pool", token("b", "d", "2"));
    await flush();
    expect(woken).toEqual([token("c", "d", "4"), token("b", "d", "3")]);

    // A released waiter (its task finalized while waiting) is forgotten.
    await rm.release("pool", token("c", "d", "5"));
    expect(rm.waiting("pool")).toEqual([token("c", "d", "4")]);
    await rm.release("pool", token("z", "d", "9"));
    await flush();
    expect(woken).toEqual([token("c", "d", "4"), token("b", "d", "3"), token("c", "d", "4")]);
    expect(rm.waiting("pool")).toEqual([]);
  });
});
