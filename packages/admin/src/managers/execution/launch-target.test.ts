import { describe, expect, it } from "vitest";
import { nodeIdForTask } from "./launch-target.js";

describe("nodeIdForTask", () => {
  it("keeps letters, digits and dashes of the task name", () => {
    expect(nodeIdForTask("core.flyte_basics.hello-world.say_hi")).toBe("coreflytebasicshello-worldsayhi");
    expect(nodeIdForTask("tâche.été")).toBe("tâcheété");
  });

  it("uses the last 63 characters of long names", () => {
    const name = `${"a".repeat(10)}.${"b".repeat(62)}`;
    expect(nodeIdForTask(name)).toBe("b".repeat(62));
  });
});
