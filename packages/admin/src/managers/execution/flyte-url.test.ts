import { describe, expect, it } from "vitest";
import { nodeFlyteUrls, parseFlyteUrl, taskFlyteUrls } from "./flyte-url.js";

const node = { executionId: { project: "p", domain: "d", name: "e" }, nodeId: "n0" };

describe("flyte:// URLs", () => {
  it("parses node and attempt URLs, whole maps and single names", () => {
    expect(parseFlyteUrl("flyte://v1/p/d/e/n0/i")).toEqual({ nodeExecution: node, artifact: "i", literalName: "" });
    expect(parseFlyteUrl("flyte://v1/p/d/e/n0/2/o/out_1")).toEqual({
      nodeExecution: node,
      attempt: 2,
      artifact: "o",
      literalName: "out_1",
    });
    expect(parseFlyteUrl("flyte://v1/p/d/e/n0/d/name")).toBeUndefined();
    expect(parseFlyteUrl("flyte://v1/p/d/e/n0")).toBeUndefined();
  });

  it("builds the URLs Get*Data returns, with the deck only when there is one", () => {
    expect(nodeFlyteUrls(node, false)).toMatchObject({
      inputs: "flyte://v1/p/d/e/n0/i",
      outputs: "flyte://v1/p/d/e/n0/o",
      deck: "",
    });
    expect(taskFlyteUrls(node, 3, true)).toMatchObject({ deck: "flyte://v1/p/d/e/n0/3/d" });
  });
});
