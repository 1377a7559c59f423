/** A line of a tree and the lines below it. */
export interface TreeNode {
  text: string;
  children: TreeNode[];
}

/** A tree node with `children`. */
export function treeNode(text: string, children: TreeNode[] = []): TreeNode {
  return { text, children };
}

/**
 * Draws `roots` as flytectl's `--details` view draws them (the gotree package): `├──`/`└──` before each node,
 * `│` continuing the lines of earlier siblings. Multi-line texts keep their indentation.
 */
export function renderTree(roots: readonly TreeNode[]): string[] {
  const lines: string[] = [];
  const walk = (nodes: readonly TreeNode[], prefix: string) => {
    nodes.forEach((node, index) => {
      const last = index === nodes.length - 1;
      const [first = "", ...rest] = node.text.split("\n");
      lines.push(`${prefix}${last ? "└── " : "├── "}${first}`);
      const inner = prefix + (last ? "    " : "│   ");
      for (const line of rest) lines.push(inner + line);
      walk(node.children, inner);
    });
  };
  walk(roots, "");
  return lines;
}
