import { describe, expect, it } from "vitest";
import { createTurnQueue } from "./request-turns.js";

describe("createTurnQueue", () => {
  it("runs items in order, each in a later event-loop turn than the one before", async () => {
    const turns = createTurnQueue();
    const events: string[] = [];
    const done = new Promise<void>((resolve) => {
      for (const name of ["a", "b", "c"]) {
        turns(() => {
          events.push(`start ${name}`);
          // Anything the item leaves for the rest of its own turn happens before the next item starts.
          queueMicrotask(() => events.push(`microtask ${name}`));
          process.nextTick(() => events.push(`tick ${name}`));
          if (name === "c") setImmediate(resolve);
        });
      }
    });
    expect(events).toEqual([]);
    await done;
    expect(events).toEqual([
      "start a",
      "tick a",
      "microtask a",
      "start b",
      "tick b",
      "microtask b",
      "start c",
      "tick c",
      "microtask c",
    ]);
  });

  it("keeps going after an item throws", async () => {
    const turns = createTurnQueue();
    const ran: string[] = [];
    const uncaught: unknown[] = [];
    const listener = (error: unknown) => uncaught.push(error);
    process.prependListener("uncaughtException", listener);
    try {
      await new Promise<void>((resolve) => {
        turns(() => {
          throw new Error("boom");
        });
        turns(() => {
          ran.push("after");
          resolve();
        });
      });
    } finally {
      process.off("uncaughtException", listener);
    }
    expect(ran).toEqual(["after"]);
  });
});
