/**
 * A unary call's `HandlerContext` as connect's `createHandlerContext` defines it (a signal that aborts on the
 * client going away, the deadline, server shutdown or the call's end; `timeoutMs`; response header and trailer),
 * with its signal made only when something reads it. connect builds two abort controllers, a deadline timer and
 * four listeners per call, and dispatches an abort event at its end; nearly every call finishes without anyone
 * looking at its signal, and that machinery cost more than a small call's own work.
 */
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code as ConnectCode, ConnectError, type ContextValues, type HandlerContext } from "@connectrpc/connect";

/** What a call's context is made from. */
export interface CallContextInit {
  service: DescService;
  method: DescMethod;
  protocolName: string;
  requestMethod: string;
  url: string;
  requestHeader: Headers;
  contextValues: ContextValues;
  /** Aborted when the client goes away. */
  requestSignal: AbortSignal;
  /** Aborted when the server is forced to stop. */
  shutdownSignal?: AbortSignal;
  /** The client's deadline, counted from now. */
  timeoutMs?: number;
}

/** A call's context and the way to end it. */
export interface CallContext {
  /** The context; its `signal` is made on first use. */
  readonly context: HandlerContext;
  /** Ends the call: its signal (if made) aborts with `reason`, and its deadline timer stops. */
  complete(reason: unknown): void;
}

/** Builds a call's context. */
export function createCallContext(init: CallContextInit): CallContext {
  const deadline = init.timeoutMs === undefined ? undefined : Date.now() + init.timeoutMs;
  let controller: AbortController | undefined;
  let completed: { reason: unknown } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const linked: AbortSignal[] = [];

  const unlink = () => {
    if (timer !== undefined) clearTimeout(timer);
    for (const signal of linked) signal.removeEventListener("abort", onLinkedAbort);
    linked.length = 0;
  };
  function onLinkedAbort(this: AbortSignal) {
    unlink();
    controller!.abort(this.reason);
  }
  const deadlineExceeded = () => {
    unlink();
    controller!.abort(new ConnectError("the operation timed out", ConnectCode.DeadlineExceeded));
  };

  const signal = (): AbortSignal => {
    if (controller !== undefined) return controller.signal;
    controller = new AbortController();
    if (completed !== undefined) {
      controller.abort(completed.reason);
      return controller.signal;
    }
    for (const source of [init.requestSignal, init.shutdownSignal]) {
      if (source === undefined) continue;
      if (source.aborted) {
        controller.abort(source.reason);
        unlink();
        return controller.signal;
      }
      source.addEventListener("abort", onLinkedAbort);
      linked.push(source);
    }
    if (deadline !== undefined) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) deadlineExceeded();
      else timer = setTimeout(deadlineExceeded, remaining);
    }
    return controller.signal;
  };

  let responseHeader: Headers | undefined;
  let responseTrailer: Headers | undefined;
  const context: HandlerContext = {
    service: init.service,
    method: init.method,
    protocolName: init.protocolName,
    requestMethod: init.requestMethod,
    url: init.url,
    requestHeader: init.requestHeader,
    values: init.contextValues,
    get signal() {
      return signal();
    },
    timeoutMs: () => (deadline === undefined ? undefined : deadline - Date.now()),
    get responseHeader() {
      return (responseHeader ??= new Headers());
    },
    get responseTrailer() {
      return (responseTrailer ??= new Headers());
    },
  };
  return {
    context,
    complete(reason) {
      if (completed !== undefined) return;
      completed = { reason };
      if (controller === undefined) return;
      unlink();
      controller.abort(reason);
    },
  };
}

/** `context` seen with other request headers and values (what an interceptor passed on), sharing its signal. */
export function withRequest(context: HandlerContext, requestHeader: Headers, values: ContextValues): HandlerContext {
  if (requestHeader === context.requestHeader && values === context.values) return context;
  return Object.create(context, {
    requestHeader: { value: requestHeader, enumerable: true },
    values: { value: values, enumerable: true },
  }) as HandlerContext;
}
