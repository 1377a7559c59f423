/** Options of {@link RecoverableError}. */
export interface RecoverableErrorOptions {
  /** The failure's code. @default "RecoverableFlyteException" (flytekit's) */
  errorCode?: string;
  /** What caused it. */
  cause?: unknown;
}

/**
 * Thrown from a task to say the failure is transient and the attempt may be retried (flytekit's
 * `FlyteRecoverableException`): Flyte retries the task up to its `retries`, locally and remotely.
 * Anything else a task throws fails it for good, as in flytekit.
 *
 * ```ts
 * export const fetchPage = task({ inputs: { url: t.string() }, output: t.string(), retries: 3 }, async ({ url }) => {
 *   const response = await fetch(url);
 *   if (response.status === 503) throw new RecoverableError(`${url} is unavailable`);
 *   return response.text();
 * });
 * ```
 */
export class RecoverableError extends Error {
  /** Read by the executors (by shape, so errors from another copy of the SDK count too). */
  readonly recoverable = true;
  readonly errorCode: string | undefined;

  constructor(message: string, options: RecoverableErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RecoverableError";
    this.errorCode = options.errorCode;
  }
}
