import { compareCompileErrors, type CompileError } from "./compile-error.js";

/**
 * Collects compile errors without stopping at the first one, like propeller's `CompileErrors`.
 *
 * A child scope counts what was collected in it and below it, so a validator can ask "did *this* step
 * fail?" (`hasErrors()`) while every error still lands, de-duplicated, in the root's set. The
 * compiler's control flow depends on these per-scope answers, so they mirror Flyte's exactly.
 */
export class ErrorScope {
  private count = 0;
  private readonly parent: ErrorScope | undefined;
  private readonly unique: Map<string, CompileError> | undefined;

  private constructor(parent: ErrorScope | undefined) {
    this.parent = parent;
    this.unique = parent === undefined ? new Map() : undefined;
  }

  /** A new root scope with an empty error set. */
  static root(): ErrorScope {
    return new ErrorScope(undefined);
  }

  /** A scope whose errors also count in this one. */
  child(): ErrorScope {
    return new ErrorScope(this);
  }

  /** Records an error here and in every enclosing scope; the root keeps one copy of each. */
  collect(error: CompileError): void {
    this.count++;
    if (this.parent !== undefined) {
      this.parent.collect(error);
      return;
    }
    const key = `${error.code}\u0000${error.nodeId}\u0000${error.message}`;
    if (!this.unique?.has(key)) this.unique?.set(key, error);
  }

  /** Whether anything was collected in this scope or its children. */
  hasErrors(): boolean {
    return this.count > 0;
  }

  /** The root's de-duplicated errors, sorted by code, node and message. */
  list(): CompileError[] {
    if (this.parent !== undefined) return this.parent.list();
    return [...(this.unique?.values() ?? [])].sort(compareCompileErrors);
  }
}
