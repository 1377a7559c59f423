import { AsyncLocalStorage } from "node:async_hooks";
import type { Scope } from "./model.js";

// One store per process, so entities of two SDK copies still see the same body being defined.
const STORE_KEY = Symbol.for("aloft.sdk.scope-store");

function store(): AsyncLocalStorage<Scope> {
  const holder = globalThis as { [STORE_KEY]?: AsyncLocalStorage<Scope> };
  holder[STORE_KEY] ??= new AsyncLocalStorage<Scope>();
  return holder[STORE_KEY];
}

/** The scope nodes are being created in, or `undefined` outside any workflow or dynamic body. @internal */
export function currentScope(): Scope | undefined {
  return store().getStore();
}

/** Runs `fn` with `scope` as the current scope (also across its awaits). @internal */
export function runInScope<R>(scope: Scope, fn: () => R): R {
  return store().run(scope, fn);
}
