import { describe, expect, it } from "vitest";
import type { ExecutionChangeNotice } from "./execution-change.js";
import { createLocalExecutionChangeFeed } from "./execution-change-feed.js";

const one = { project: "p", domain: "d", name: "one" };
const two = { project: "p", domain: "d", name: "two" };

describe("createLocalExecutionChangeFeed", () => {
  it("delivers a change to the subscribers of its execution only, until they unsubscribe", () => {
    const feed = createLocalExecutionChangeFeed();
    const heard: [string, ExecutionChangeNotice][] = [];
    const stopA = feed.subscribe(one, (notice) => heard.push(["a", notice]));
    const stopB = feed.subscribe(one, (notice) => heard.push(["b", notice]));
    feed.subscribe(two, (notice) => heard.push(["c", notice]));
    expect(feed.subscriptionCount()).toBe(3);

    feed.publish({ kind: "node", executionId: one, nodeId: "n0" });
    stopA();
    stopA();
    feed.publish({ kind: "execution", executionId: one });
    stopB();
    feed.publish({ kind: "execution", executionId: one });

    expect(heard).toEqual([
      ["a", { kind: "node", executionId: one, nodeId: "n0" }],
      ["b", { kind: "node", executionId: one, nodeId: "n0" }],
      ["b", { kind: "execution", executionId: one }],
    ]);
    expect(feed.subscriptionCount()).toBe(1);
  });
});
