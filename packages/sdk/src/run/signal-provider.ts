import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { SignalProvider } from "../local/execute-workflow-options.js";
import { typeFromLiteralType } from "../types/type-from-literal-type.js";
import type { TypeContext } from "../types/type.js";
import type { SignalHandler } from "./run-options.js";

/** Options of {@link signalProvider}. */
export interface SignalProviderOptions {
  /** Values by signal name, or a function asked for each gate. */
  signals: Readonly<Record<string, unknown>> | SignalHandler;
  /** Where values that need uploading (files) go. */
  ctx: TypeContext;
}

/**
 * The executor's signal provider for a run: each gate's value from `run()`'s `signals` (by name, or
 * from the handler), converted with the gate's type. A gate without a value fails its node, saying
 * which value is missing.
 */
export function signalProvider(options: SignalProviderOptions): SignalProvider {
  const { signals, ctx } = options;
  return async (request): Promise<Literal> => {
    const name = request.signalId;
    const type = typeFromLiteralType(request.type);
    const what = request.kind === "approve" ? `approval "${name}"` : `signal "${name}" (${type.name})`;
    let value: unknown;
    if (typeof signals === "function") {
      value = await signals({ name, kind: request.kind, type, path: request.path });
    } else if (Object.hasOwn(signals, name)) {
      value = signals[name];
    }
    if (value === undefined) {
      const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
      throw new Error(`no value was given for ${what}: pass it to run() as signals: { ${key}: … }`);
    }
    try {
      return await type.toLiteral(value, ctx, { path: `signals.${name}` });
    } catch (error) {
      // Reported as the gate's failure, whose message is shown as is.
      const raw = (error as { rawMessage?: unknown }).rawMessage;
      throw new Error(`bad value for ${what}: ${typeof raw === "string" ? raw : String(error)}`, { cause: error });
    }
  };
}
