/**
 * Group commit: rounds that finish while a write is in flight are written together in the next
 * transaction, so the database sees one transaction per batch instead of one per round.
 */
import type { WorkflowSave, WorkflowSaveResult, WorkflowStore } from "../state/workflow-store.js";

interface Pending {
  save: WorkflowSave;
  resolve: (result: WorkflowSaveResult) => void;
  reject: (error: unknown) => void;
}

export class SaveBatcher {
  #pending: Pending[] = [];
  #flushing: Promise<void> | undefined;
  /** Transactions written. */
  transactions = 0;
  /** Rounds written. */
  rows = 0;

  constructor(
    readonly store: WorkflowStore,
    readonly owner: string,
  ) {}

  /** Queues `save` for the next transaction and resolves with its result. */
  save(save: WorkflowSave): Promise<WorkflowSaveResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ save, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  async #flush(): Promise<void> {
    // Let rounds finishing in the same tick join the batch.
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        const results = await this.store.saveRounds(
          this.owner,
          batch.map((p) => p.save),
        );
        this.transactions += 1;
        this.rows += batch.length;
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.#flushing = undefined;
  }
}
