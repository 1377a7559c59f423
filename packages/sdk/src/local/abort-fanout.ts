/**
 * Aborts many child controllers from one parent signal through a single listener. A graph or array
 * node runs hundreds of children at once; giving each its own controller keeps every signal down to
 * a listener or two instead of piling them all on the parent's.
 */
export class AbortFanout {
  readonly #children = new Set<AbortController>();
  readonly #parent: AbortSignal | undefined;
  readonly #onParentAbort = (): void => this.abort(this.#parent?.reason);
  #aborted = false;
  #reason: unknown;

  constructor(parent?: AbortSignal) {
    this.#parent = parent;
    if (parent?.aborted === true) this.abort(parent.reason);
    else parent?.addEventListener("abort", this.#onParentAbort, { once: true });
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** A controller aborted with this fanout (at once, if it already is). Hand it back with {@link release}. */
  child(): AbortController {
    const controller = new AbortController();
    if (this.#aborted) controller.abort(this.#reason);
    else this.#children.add(controller);
    return controller;
  }

  release(controller: AbortController): void {
    this.#children.delete(controller);
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    for (const child of this.#children) child.abort(reason);
    this.#children.clear();
  }

  /** Stops listening to the parent. */
  dispose(): void {
    this.#parent?.removeEventListener("abort", this.#onParentAbort);
  }
}
