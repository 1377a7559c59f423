import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { runContainerTaskLocally } from "@aloft/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "@aloft/test-helpers";
import { integerLiteral, integerType, literalMap } from "@aloft/idl";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { executeWorkflow } from "./index.js";
import { compile, jsOf, ref, task, taskNode, workflow } from "./local-workflows.test-helper.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("aloft-container-");
});
afterEach(async () => dir.cleanup());

const int = integerType();

describe("runContainerTaskLocally", () => {
  it("runs inside a workflow, its failures retried within the task's budget", async () => {
    const counter = join(dir.path, "attempts");
    await mkdir(counter);
    const flaky = task("flaky", {
      inputs: { x: int },
      outputs: { y: int },
      retries: 2,
      type: "raw-container",
      container: {
        case: "container",
        value: {
          image: "alpine:3",
          command: [
            "sh",
            "-c",
            `touch ${counter}/$$; [ $(ls ${counter} | wc -l) -ge 2 ] || exit 1; echo $(( $(cat /var/inputs/x) * 2 )) > /var/outputs/y`,
          ],
          dataConfig: { enabled: true, inputPath: "/var/inputs", outputPath: "/var/outputs" },
        },
      },
    });
    const closure = compile({
      workflow: workflow("raw", {
        inputs: { x: int },
        outputs: { y: int },
        nodes: [taskNode("n0", "flaky", { x: ref("", "x") })],
        outputBindings: { y: ref("n0", "y") },
      }),
      tasks: [flaky],
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: integerLiteral(21) }),
      runner: { runTask: (request) => runContainerTaskLocally({ ...request, workDir: dir.path }) },
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: 42 });
    expect(result.nodes.get("n0")?.attempts).toBe(2);
  });
});
