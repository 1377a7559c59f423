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

/** A queue whose items run in order, the next one in the turn after the previous one started. */
export function createTurnQueue(): TurnQueue {
  const pending: (() => void)[] = [];
  let head = 0;
  let scheduled = false;
  const runOne = (): void => {
    const work = pending[head];
    pending[head++] = undefined as unknown as () => void;
    if (head === pending.length) {
      pending.length = 0;
      head = 0;
      scheduled = false;
    } else {
      setImmediate(runOne);
    }
    work?.();
  };
  return (work) => {
    pending.push(work);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runOne);
    }
  };
}
