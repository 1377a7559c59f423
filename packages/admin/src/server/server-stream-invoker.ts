/**
 * Calls a server-streaming implementation directly, through the same interceptors connect-node applies (the
 * streaming sibling of {@link createUnaryInvoker}), so HTTP routes of streaming methods (Server-Sent Events) run
 * exactly the code gRPC runs: authentication, logs, metrics and error conversion included.
 */
import { create, type DescMethodServerStreaming, type DescService, isMessage, type Message } from "@bufbuild/protobuf";
import {
  Code as ConnectCode,
  ConnectError,
  createHandlerContext,
  type HandlerContext,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
} from "@connectrpc/connect";
import type { UnaryCall } from "./unary-invoker.js";

/** A server-streaming implementation as found on a connect `ServiceImpl`. */
export type ServerStreamImpl = (request: Message, context: HandlerContext) => AsyncIterable<unknown>;

/** Invokes one server-streaming method of one service. */
export interface ServerStreamInvoker {
  readonly service: DescService;
  readonly method: DescMethodServerStreaming;
  /**
   * The call's responses. Nothing runs until the first one is read; errors (already converted by the
   * interceptors) come out of the iteration. Stop reading early by returning from the iteration or aborting
   * `call.signal`.
   */
  invoke(request: Message, call: UnaryCall): AsyncIterable<Message>;
}

/** Options of {@link createServerStreamInvoker}. */
export interface ServerStreamInvokerOptions {
  service: DescService;
  method: DescMethodServerStreaming;
  /** The method on the service implementation; undefined answers UNIMPLEMENTED as connect does. */
  impl: ServerStreamImpl | undefined;
  /** Applied outermost first, as connect applies a router's interceptors. */
  interceptors: readonly Interceptor[];
  /** Aborts every call's signal when the server is forced to stop. */
  shutdownSignal?: AbortSignal;
}

/** An invoker that builds a `HandlerContext` like connect's handlers and runs the interceptors around `impl`. */
export function createServerStreamInvoker(options: ServerStreamInvokerOptions): ServerStreamInvoker {
  const { service, method, impl } = options;
  return {
    service,
    method,
    async *invoke(request, call) {
      const context = createHandlerContext({
        service,
        method,
        protocolName: "sse",
        requestMethod: call.requestMethod,
        url: call.url,
        requestSignal: call.signal,
        requestHeader: call.requestHeader,
        contextValues: call.contextValues,
        ...(options.shutdownSignal === undefined ? {} : { shutdownSignal: options.shutdownSignal }),
      });
      const terminal = async (req: StreamRequest): Promise<StreamResponse> => {
        if (impl === undefined) {
          throw new ConnectError(`${service.typeName}.${method.name} is not implemented`, ConnectCode.Unimplemented);
        }
        let input: Message | undefined;
        for await (const message of req.message) input ??= message;
        const output = impl(input ?? create(method.input), {
          ...context,
          requestHeader: req.header,
          values: req.contextValues,
        });
        return {
          stream: true,
          service,
          method,
          header: context.responseHeader,
          trailer: context.responseTrailer,
          message: normalized(output),
        } as StreamResponse;
      };
      const next = options.interceptors.reduceRight<(req: StreamRequest) => Promise<StreamResponse>>(
        (inner, interceptor) => interceptor(inner as Parameters<Interceptor>[0]) as typeof inner,
        terminal,
      );
      try {
        const response = await next({
          stream: true,
          service,
          method,
          message: single(request),
          requestMethod: call.requestMethod,
          url: call.url,
          signal: context.signal,
          header: context.requestHeader,
          contextValues: call.contextValues,
        } as StreamRequest);
        yield* response.message as AsyncIterable<Message>;
      } finally {
        // As connect does once a call completes: ends the deadline timer and tells the handler the call is over.
        context.abort();
      }
    },
  };

  /** Each output as a message of the method's output type (implementations may yield plain init objects). */
  async function* normalized(output: AsyncIterable<unknown>): AsyncGenerator<Message> {
    for await (const item of output) {
      yield isMessage(item, method.output) ? item : create(method.output, (item ?? {}) as Parameters<typeof create>[1]);
    }
  }
}

async function* single(message: Message): AsyncGenerator<Message> {
  yield message;
}
