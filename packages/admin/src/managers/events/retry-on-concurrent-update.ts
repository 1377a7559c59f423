import { AloftError, Code } from "@aloft/idl";

/** How many times an event is re-applied when another writer changed the same row first. */
const MAX_ATTEMPTS = 5;

/**
 * Runs `work` (read a row, check the transition, write with a phase guard) again when the guarded write
 * reports ABORTED, i.e. a concurrent event for the same row won the race. Each attempt re-reads, so the
 * transition rules apply to what the other writer left behind. Other errors pass through.
 */
export async function retryOnConcurrentUpdate<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !(error instanceof AloftError) || error.code !== Code.Aborted) throw error;
    }
  }
}
