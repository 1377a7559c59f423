import { expect, it } from "vitest";
import { renderTree, treeNode } from "./text-tree.js";

it("draws nested nodes with branch and continuation lines", () => {
  const tree = [
    treeNode("n0 - SUCCEEDED", [treeNode("Attempt :0", [treeNode("Task - SUCCEEDED")]), treeNode("Outputs :")]),
    treeNode("n1 - RUNNING"),
  ];
  expect(renderTree(tree)).toEqual([
    "├── n0 - SUCCEEDED",
    "│   ├── Attempt :0",
    "│   │   └── Task - SUCCEEDED",
    "│   └── Outputs :",
    "└── n1 - RUNNING",
  ]);
});
