/**
 * Ben Laurie's objecthash (github.com/benlaurie/objecthash, the Go package at d1e3d6079fc1 that Flyte pins) over
 * "Common JSON": the values Go's `encoding/json` decodes into `interface{}`. Every number is a float64, objects are
 * dictionaries hashed order-independently, and each value is hashed with a one-letter type tag.
 */
import { createHash } from "node:crypto";
import { AloftError } from "@aloft/idl";

/** A JSON value as objecthash sees it: numbers are float64 (integers and floats hash alike). */
export type CommonJsonValue = null | boolean | number | string | CommonJsonValue[] | { [key: string]: CommonJsonValue };

const utf8 = new TextEncoder();

/**
 * The 32-byte objecthash of a Common JSON value (Go's `objecthash.ObjectHash` of what `json.Unmarshal` produces).
 *
 * @throws AloftError InvalidArgument for a number objecthash cannot normalise (never a finite float64 in practice)
 *   or a value that is not JSON.
 */
export function objectHash(value: CommonJsonValue): Uint8Array {
  if (value === null) return tagged("n", new Uint8Array());
  switch (typeof value) {
    case "boolean":
      return tagged("b", utf8.encode(value ? "1" : "0"));
    case "number":
      return tagged("f", utf8.encode(normalizeFloat(value)));
    case "string":
      return tagged("u", utf8.encode(value));
    case "object":
      return Array.isArray(value) ? hashList(value) : hashDict(value);
    default:
      throw AloftError.invalidArgument(`objecthash: unsupported value of type ${typeof value}`);
  }
}

/**
 * The objecthash of a JSON document, as Go's `objecthash.CommonJSONHash` computes it (the document is parsed
 * first, so formatting, key order and `1` vs `1.0` do not matter).
 *
 * @throws AloftError InvalidArgument when `json` is not valid JSON.
 */
export function commonJsonHash(json: string): Uint8Array {
  let parsed: CommonJsonValue;
  try {
    parsed = JSON.parse(json) as CommonJsonValue;
  } catch (cause) {
    throw AloftError.invalidArgument(`objecthash: invalid JSON: ${(cause as Error).message}`, { cause });
  }
  return objectHash(parsed);
}

function tagged(tag: string, bytes: Uint8Array): Uint8Array {
  return createHash("sha256").update(tag).update(bytes).digest();
}

function hashList(list: readonly CommonJsonValue[]): Uint8Array {
  const hash = createHash("sha256").update("l");
  for (const item of list) hash.update(objectHash(item));
  return hash.digest();
}

function hashDict(dict: { readonly [key: string]: CommonJsonValue }): Uint8Array {
  // Entries are ordered by the hash of their key, not the key itself (objecthash's `byKHash`).
  const entries = Object.entries(dict).map(([key, value]) => ({ key: objectHash(key), value: objectHash(value) }));
  entries.sort((a, b) => Buffer.compare(a.key, b.key));
  const hash = createHash("sha256").update("d");
  for (const entry of entries) hash.update(entry.key).update(entry.value);
  return hash.digest();
}

const MAX_NORMALIZED_LENGTH = 1000;

/**
 * objecthash's float normal form: sign, binary exponent and the mantissa bits of a value scaled into (0.5, 1],
 * e.g. `+1:1` for 1 and `+0:` for zero (of either sign). Halving and doubling are exact in binary floating point,
 * so this reproduces Go's `floatNormalize` bit for bit.
 */
function normalizeFloat(original: number): string {
  if (Number.isNaN(original)) return "NaN";
  if (original === Infinity) return "Infinity";
  if (original === -Infinity) return "-Infinity";
  if (original === 0) return "+0:";
  let f = original;
  let normal = "+";
  if (f < 0) {
    normal = "-";
    f = -f;
  }
  let exponent = 0;
  while (f > 1) {
    f /= 2;
    exponent++;
  }
  while (f <= 0.5) {
    f *= 2;
    exponent--;
  }
  normal += `${exponent}:`;
  while (f !== 0) {
    if (f >= 1) {
      normal += "1";
      f--;
    } else {
      normal += "0";
    }
    if (f >= 1 || normal.length >= MAX_NORMALIZED_LENGTH) {
      throw AloftError.invalidArgument(`objecthash: could not normalize float ${original}`);
    }
    f *= 2;
  }
  return normal;
}
