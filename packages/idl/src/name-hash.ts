/**
 * Flyte's generated names (flyteplugins `pluginmachinery/encoding`): node unique ids, pod and
 * plugin resource names, raw-output shards and cache reservation owners all derive from these, so
 * they must match Flyte byte for byte or console links and shared caches break.
 */

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;
const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const FNV128_OFFSET = 0x6c62272e07bb014262b821756295c58dn;
const FNV128_PRIME = 0x0000000001000000000000000000013bn;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;

/** The alphabet of Flyte's base32 encoder: unpadded, letters first, then digits 1–6. */
const FLYTE_BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz123456";

const utf8 = new TextEncoder();

function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === "string" ? utf8.encode(input) : input;
}

/** 32-bit FNV-1a, as Go's `hash/fnv.New32a`. */
export function fnv32a(input: string | Uint8Array): number {
  let hash = FNV32_OFFSET;
  for (const byte of toBytes(input)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV32_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** 64-bit FNV-1a, as Go's `hash/fnv.New64a`. */
export function fnv64a(input: string | Uint8Array): bigint {
  let hash = FNV64_OFFSET;
  for (const byte of toBytes(input)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV64_PRIME) & MASK64;
  }
  return hash;
}

/** 128-bit FNV-1a, as Go's `hash/fnv.New128a`. */
export function fnv128a(input: string | Uint8Array): bigint {
  let hash = FNV128_OFFSET;
  for (const byte of toBytes(input)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV128_PRIME) & MASK128;
  }
  return hash;
}

function bigEndianBytes(value: bigint, byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let v = value;
  for (let i = byteLength - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Go's `base32.NewEncoding(FLYTE_BASE32_ALPHABET).WithPadding(NoPadding)`. */
export function flyteBase32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += FLYTE_BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += FLYTE_BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Hash width used when a name is too long: Flyte's default is 32 bits (an 8-character name). */
export type NameHashAlgorithm = "fnv32a" | "fnv64a" | "fnv128a";

export interface FixedLengthOptions {
  /** @default "fnv32a" */
  algorithm?: NameHashAlgorithm;
}

function hashBytes(input: string, algorithm: NameHashAlgorithm): Uint8Array {
  switch (algorithm) {
    case "fnv32a":
      return bigEndianBytes(BigInt(fnv32a(input)), 4);
    case "fnv64a":
      return bigEndianBytes(fnv64a(input), 8);
    case "fnv128a":
      return bigEndianBytes(fnv128a(input), 16);
  }
}

/**
 * Flyte's `FixedLengthUniqueID`: the input when it fits in `maxLength`, else `"f"` followed by the
 * base32 of its FNV-1a hash. Throws when even the hashed form is longer than `maxLength`; use
 * {@link tryFixedLengthUniqueId} to get the hashed form anyway, as Go callers that ignore the error do.
 */
export function fixedLengthUniqueId(input: string, maxLength: number, options: FixedLengthOptions = {}): string {
  const { id, tooLong } = tryFixedLengthUniqueId(input, maxLength, options);
  if (tooLong) {
    throw new RangeError(
      `max length ${maxLength} is too small for an encoded name ("${id}" has ${id.length} characters)`,
    );
  }
  return id;
}

/** {@link fixedLengthUniqueId} without the throw: `tooLong` is true when the hashed id exceeds `maxLength`. */
export function tryFixedLengthUniqueId(
  input: string,
  maxLength: number,
  options: FixedLengthOptions = {},
): { id: string; tooLong: boolean } {
  // Go compares byte lengths, so measure UTF-8 bytes, not UTF-16 units.
  if (input.length <= maxLength && utf8.encode(input).length <= maxLength) return { id: input, tooLong: false };
  const id = "f" + flyteBase32(hashBytes(input, options.algorithm ?? "fnv32a"));
  return { id, tooLong: id.length > maxLength };
}

/**
 * Flyte's `FixedLengthUniqueIDForParts`: joins parts with `-` (a separator is written only once
 * something has been written, so leading empty parts add none), then applies {@link fixedLengthUniqueId}.
 */
export function joinFixedLengthParts(parts: readonly string[]): string {
  let out = "";
  parts.forEach((part, i) => {
    if (i > 0 && out.length > 0) out += "-";
    out += part;
  });
  return out;
}

/** {@link fixedLengthUniqueId} over `parts` joined as Flyte joins them. */
export function fixedLengthUniqueIdForParts(
  maxLength: number,
  parts: readonly string[],
  options: FixedLengthOptions = {},
): string {
  return fixedLengthUniqueId(joinFixedLengthParts(parts), maxLength, options);
}

/** {@link tryFixedLengthUniqueId} over `parts` joined as Flyte joins them. */
export function tryFixedLengthUniqueIdForParts(
  maxLength: number,
  parts: readonly string[],
  options: FixedLengthOptions = {},
): { id: string; tooLong: boolean } {
  return tryFixedLengthUniqueId(joinFixedLengthParts(parts), maxLength, options);
}

/** The 1,296 two-character shard prefixes Flyte uses for raw output, `aa`…`a9`, `ba`…, `99`. */
export const RAW_OUTPUT_SHARDS: readonly string[] = (() => {
  const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  const shards: string[] = [];
  for (const c1 of chars) for (const c2 of chars) shards.push(c1 + c2);
  return shards;
})();

/** Flyte's base-36 shard for `key`: `RAW_OUTPUT_SHARDS[fnv32a(key) % 1296]`. */
export function rawOutputShard(key: string): string {
  return RAW_OUTPUT_SHARDS[fnv32a(key) % RAW_OUTPUT_SHARDS.length]!;
}
