import { createContextValues, Code as ConnectCode, ConnectError } from "@connectrpc/connect";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { describe, expect, it, vi } from "vitest";
import { type CallContextInit, createCallContext, withRequest } from "./call-context.js";

function init(overrides: Partial<CallContextInit> = {}): CallContextInit {
  return {
    service: AdminService,
    method: AdminService.method.getExecution,
    protocolName: "grpc",
    requestMethod: "POST",
    url: "/flyteidl.service.AdminService/GetExecution",
    requestHeader: new Headers({ "x-request-id": "r1" }),
    contextValues: createContextValues(),
    requestSignal: new AbortController().signal,
    ...overrides,
  };
}

describe("createCallContext", () => {
  it("aborts its signal with the completion reason when the call ends, whenever the signal is first read", () => {
    const early = createCallContext(init());
    const signal = early.context.signal;
    expect(signal.aborted).toBe(false);
    early.complete("done");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("done");

    const late = createCallContext(init());
    late.complete("done");
    expect(late.context.signal.aborted).toBe(true);
    expect(late.context.signal.reason).toBe("done");
  });

  it("aborts when the client goes away or the server shuts down, before or after the signal is read", () => {
    const client = new AbortController();
    const call = createCallContext(init({ requestSignal: client.signal }));
    const signal = call.context.signal;
    client.abort(new ConnectError("the client went away", ConnectCode.Canceled));
    expect((signal.reason as ConnectError).code).toBe(ConnectCode.Canceled);
    call.complete("done");
    expect((signal.reason as ConnectError).code).toBe(ConnectCode.Canceled);

    const shutdown = new AbortController();
    shutdown.abort("stopping");
    const stopped = createCallContext(init({ shutdownSignal: shutdown.signal }));
    expect(stopped.context.signal.reason).toBe("stopping");
  });

  it("aborts with DEADLINE_EXCEEDED at the deadline and reports the time left", () => {
    vi.useFakeTimers();
    try {
      const call = createCallContext(init({ timeoutMs: 1_000 }));
      expect(call.context.timeoutMs()).toBe(1_000);
      vi.advanceTimersByTime(400);
      const signal = call.context.signal;
      expect(call.context.timeoutMs()).toBe(600);
      vi.advanceTimersByTime(599);
      expect(signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect((signal.reason as ConnectError).code).toBe(ConnectCode.DeadlineExceeded);

      const late = createCallContext(init({ timeoutMs: 10 }));
      vi.advanceTimersByTime(20);
      expect((late.context.signal.reason as ConnectError).code).toBe(ConnectCode.DeadlineExceeded);
      expect(createCallContext(init()).context.timeoutMs()).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops listening to the client and the server once the call is over", () => {
    const client = new AbortController();
    const shutdown = new AbortController();
    const call = createCallContext(init({ requestSignal: client.signal, shutdownSignal: shutdown.signal }));
    const signal = call.context.signal;
    call.complete("done");
    client.abort("late");
    shutdown.abort("late");
    expect(signal.reason).toBe("done");
  });

  it("keeps one response header and trailer, and shares its signal with a view of other request headers", () => {
    const call = createCallContext(init());
    call.context.responseHeader.set("a", "1");
    expect(call.context.responseHeader.get("a")).toBe("1");
    expect(call.context.responseTrailer).toBe(call.context.responseTrailer);
    const values = createContextValues();
    const view = withRequest(call.context, new Headers({ b: "2" }), values);
    expect(view.requestHeader.get("b")).toBe("2");
    expect(view.values).toBe(values);
    expect(view.method).toBe(AdminService.method.getExecution);
    expect(view.signal).toBe(call.context.signal);
    expect(withRequest(call.context, call.context.requestHeader, call.context.values)).toBe(call.context);
  });
});
