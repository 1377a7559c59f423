import { describe, expect, it } from "vitest";
import { createTurnQueue } from "./request-turns.js";

describe("createTurnQueue", () => {
  it("runs the first item at once and the others in order, each in a later event-loop turn", async () => {
    const turns = createTurnQueue();
    const events: string[] = [];
    const done = new Promise<void>((resolve) => {
      for (const name of ["a", "b", "c"]) {
        turns(() => {
          events.push(`start ${name}`);
          // What an item leaves for the rest of its turn happens before the next item starts.
          queueMicrotask(() => events.push(`end ${name}`));
          if (name === "c") setImmediate(resolve);
        });
      }
    });
    expect(events).toEqual(["start a"]);
    await done;
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("starts at once again once the queue has drained", async () => {
    const turns = createTurnQueue();
    const ran: string[] = [];
    turns(() => ran.push("first"));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    turns(() => ran.push("later"));
    expect(ran).toEqual(["first", "later"]);
  });

  it("keeps going after a queued item throws", async () => {
    const turns = createTurnQueue();
    const ran: string[] = [];
    const uncaught: unknown[] = [];
    const listener = (error: unknown) => uncaught.push(error);
    process.prependListener("uncaughtException", listener);
    try {
      await new Promise<void>((resolve) => {
        turns(() => ran.push("first"));
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
    expect(ran).toEqual(["first", "after"]);
  });
});
