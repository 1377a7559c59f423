/**
 * Calls a connect service implementation directly, through the same interceptors connect-node applies, so the REST
 * gateway runs exactly the code gRPC runs (and cannot drift from it).
 */
import { create, type DescMethodUnary, type DescService, isMessage, type Message } from "@bufbuild/protobuf";
import {
  Code as ConnectCode,
  ConnectError,
  type ContextValues,
  type HandlerContext,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { createCallContext, withRequest } from "./call-context.js";

/** A unary implementation as found on a connect `ServiceImpl`. */
export type UnaryImpl = (request: Message, context: HandlerContext) => unknown;

/** One call's transport-level facts. */
export interface UnaryCall {
  /** The HTTP method of the incoming request (GET, POST, …). */
  requestMethod: string;
  url: string;
  requestHeader: Headers;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  contextValues: ContextValues;
  /** @default "rest" */
  protocolName?: string;
  /** The client's deadline (`grpc-timeout`), after which the call's signal aborts. */
  timeoutMs?: number;
  /**
   * The reason the call's signal aborts with once the call is over. @default an AbortError DOMException, as
   * connect; a shared reason saves building one per call.
   */
  completeReason?: unknown;
}

/** What a call produced. */
export interface UnaryResult {
  message: Message;
  responseHeader: Headers;
}

/** Invokes one method of one service. */
export interface UnaryInvoker {
  readonly service: DescService;
  readonly method: DescMethodUnary;
  invoke(request: Message, call: UnaryCall): Promise<UnaryResult>;
}

/** Options of {@link createUnaryInvoker}. */
export interface UnaryInvokerOptions {
  service: DescService;
  method: DescMethodUnary;
  /** The method on the service implementation; undefined answers UNIMPLEMENTED as connect does. */
  impl: UnaryImpl | undefined;
  /** Applied outermost first, as connect applies a router's interceptors. */
  interceptors: readonly Interceptor[];
  /** Aborts every call's signal when the server is forced to stop. */
  shutdownSignal?: AbortSignal;
}

/**
 * An invoker that builds a `HandlerContext` like connect's handlers do, runs the interceptors around the
 * implementation and normalizes its result to a message of the method's output type. Errors come out as whatever
 * the interceptors throw (a `ConnectError` with the standard interceptor).
 */
export function createUnaryInvoker(options: UnaryInvokerOptions): UnaryInvoker {
  const { service, method, impl } = options;
  return {
    service,
    method,
    async invoke(request, call) {
      const callContext = createCallContext({
        service,
        method,
        protocolName: call.protocolName ?? "rest",
        ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
        requestMethod: call.requestMethod,
        url: call.url,
        requestSignal: call.signal,
        requestHeader: call.requestHeader,
        contextValues: call.contextValues,
        ...(options.shutdownSignal === undefined ? {} : { shutdownSignal: options.shutdownSignal }),
      });
      const context = callContext.context;
      const terminal = async (req: UnaryRequest): Promise<UnaryResponse> => {
        if (impl === undefined) {
          throw new ConnectError(`${service.typeName}.${method.name} is not implemented`, ConnectCode.Unimplemented);
        }
        const output = await impl(req.message, withRequest(context, req.header, req.contextValues));
        const message = isMessage(output, method.output)
          ? output
          : create(method.output, (output ?? {}) as Parameters<typeof create>[1]);
        return {
          stream: false,
          service,
          method,
          message,
          header: context.responseHeader,
          trailer: context.responseTrailer,
        } as UnaryResponse;
      };
      const next = options.interceptors.reduceRight<(req: UnaryRequest) => Promise<UnaryResponse>>(
        (inner, interceptor) => interceptor(inner as Parameters<Interceptor>[0]) as typeof inner,
        terminal,
      );
      try {
        const response = await next({
          stream: false,
          service,
          method,
          message: request,
          requestMethod: call.requestMethod,
          url: call.url,
          get signal() {
            return context.signal;
          },
          header: context.requestHeader,
          contextValues: call.contextValues,
        } as UnaryRequest);
        return { message: response.message, responseHeader: response.header };
      } finally {
        // As connect does once a call completes: ends the deadline timer and tells the handler the call is over.
        callContext.complete(call.completeReason);
      }
    },
  };
}
