import { AloftError } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import type { ExecutionRow } from "../../db/schema.js";
import { createExecutionClusterLookup } from "./execution-clusters.js";

describe("createExecutionClusterLookup", () => {
  it("reads an execution's cluster once, and asks again for an execution it could not find", async () => {
    const reads: string[] = [];
    const lookup = createExecutionClusterLookup({
      get(key) {
        reads.push(key.name);
        if (key.name === "missing") return Promise.reject(AloftError.notFound("missing entity of type execution"));
        return Promise.resolve({ cluster: `cluster-of-${key.name}` } as ExecutionRow);
      },
    });
    const key = (name: string) => ({ project: "p", domain: "d", name });
    expect(await lookup(key("a"))).toBe("cluster-of-a");
    expect(await lookup(key("a"))).toBe("cluster-of-a");
    expect(await lookup(key("b"))).toBe("cluster-of-b");
    await expect(lookup(key("missing"))).rejects.toThrow("missing entity of type execution");
    await expect(lookup(key("missing"))).rejects.toThrow("missing entity of type execution");
    expect(reads).toEqual(["a", "b", "missing", "missing"]);
  });
});
