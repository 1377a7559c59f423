/**
 * Human in the loop: a workflow that waits for someone to approve a value (`approve`) and to send it
 * one (`waitForInput`). On Flyte they come from the console or `flytectl`; locally from `--signal`
 * (or `run(…, { signals })`).
 *
 *   aloft run examples/approval.ts budgetReview --team data --signal budget-ok=true --signal bonus=500
 */
import { approve, t, task, waitForInput, workflow } from "@aloft/sdk";

export const proposeBudget = task({ inputs: { team: t.string() }, output: t.int() }, ({ team }) => team.length * 1000);

export const publish = task(
  { inputs: { team: t.string(), budget: t.int(), bonus: t.int() }, output: t.string() },
  ({ team, budget, bonus }) => `${team}: ${budget + bonus} approved`,
);

/** Proposes a budget, waits for its approval and a bonus, then publishes the total. */
export const budgetReview = workflow({ inputs: { team: t.string() }, output: t.string() }, ({ team }) => {
  const proposed = proposeBudget({ team });
  const budget = approve(proposed, "budget-ok", { timeoutMs: 60 * 60_000 });
  const bonus = waitForInput("bonus", t.int().describe("added to the approved budget"), { timeoutMs: 60 * 60_000 });
  return publish({ team, budget, bonus });
});
