/**
 * Starts queued work one item per event-loop turn.
 *
 * Why: a busy server reads many requests from a socket at once. Started together, requests whose work is
 * synchronous (SQLite, small blob writes) all finish before the event loop gets back to the sockets, so their
 * responses leave in one burst at the end, while the client sat idle, and the client's next requests then arrive in
 * one burst while the server sits idle: each side waits for the other (measured: 16 concurrent CreateExecution
 * calls kept admin's thread 75% busy and the client's 34%, alternating). Started one per turn, each response is
 * flushed (node:http2 writes in the turn after it was produced) while the next request runs, and both sides work
 * at once.
 */
export type TurnQueue = (work: () => void) => void;

/**
 * A queue whose items run in order, at most one per event-loop turn. An item that finds the queue idle runs at once
 * (a lone request pays no extra turn); the ones queued behind it start in the following turns.
 */
export function createTurnQueue(): TurnQueue {
  const pending: (() => void)[] = [];
  let head = 0;
  /** An item ran (or is due) in the current turn: later ones wait for the next. */
  let busy = false;
  const runNext = (): void => {
    if (head === pending.length) {
      pending.length = 0;
      head = 0;
      busy = false;
      return;
    }
    const work = pending[head]!;
    pending[head++] = undefined as unknown as () => void;
    // Scheduled first, so a throwing item does not stall the queue.
    setImmediate(runNext);
    work();
  };
  return (work) => {
    if (busy) {
      pending.push(work);
      return;
    }
    busy = true;
    setImmediate(runNext);
    work();
  };
}
