import { randomInt } from "node:crypto";

/**
 * The alphabet of Kubernetes' `rand.String` (vowels and look-alike characters left out so generated
 * names never spell words or confuse readers), which flyteadmin uses for execution names.
 */
export const EXECUTION_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Length of a generated execution name, `a` included (flyteadmin's `ExecutionIDLength`). */
export const EXECUTION_NAME_LENGTH = 20;

/**
 * A new execution name as flyteadmin generates one when the request has none: `a` followed by 19
 * characters of {@link EXECUTION_NAME_ALPHABET}. The leading letter keeps it a valid Kubernetes name
 * and matches `^[a-z][a-z\-0-9]*$`. Drawn from a cryptographic source (flyteadmin seeds a PRNG
 * with the clock, which collides under concurrency).
 */
export function generateExecutionName(): string {
  let name = "a";
  for (let i = 1; i < EXECUTION_NAME_LENGTH; i++) {
    name += EXECUTION_NAME_ALPHABET[randomInt(EXECUTION_NAME_ALPHABET.length)];
  }
  return name;
}
