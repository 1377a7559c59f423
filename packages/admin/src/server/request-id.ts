import { randomBytes } from "node:crypto";

/** Kubernetes' `rand.String` alphabet (no vowels, no confusable digits), which flyteadmin's ids use. */
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const MAX_INCOMING_LENGTH = 256;

/** The header (and gRPC metadata key) flyteadmin reads request ids from. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * The caller's `x-request-id` if it sent one (cut to 256 characters, since it only feeds logs), else a new
 * flyteadmin-style id: `a-` followed by 20 random characters.
 */
export function requestIdFrom(incoming: string | null | undefined): string {
  if (incoming !== undefined && incoming !== null && incoming !== "") return incoming.slice(0, MAX_INCOMING_LENGTH);
  if (poolOffset + ID_LENGTH > pool.byteLength) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  let id = "a-";
  for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[pool[poolOffset + i]! % ALPHABET.length];
  poolOffset += ID_LENGTH;
  return id;
}

// Random bytes fetched in bulk: one `randomBytes` call per request was a measurable share of a small RPC.
const ID_LENGTH = 20;
const POOL_BYTES = 4096;
let pool: Buffer = Buffer.alloc(0);
let poolOffset = 0;
