import { createHash } from "node:crypto";

const MAX = 63;
const HASH_LEN = 10;

/**
 * A DNS-1123 label made from `value`, exactly as flytekit's `_dnsify` (node ids set by users):
 * `_`, `-` and `.` become `-` (dropped at the start), other non-alphanumerics are dropped, an upper-case
 * letter becomes `-` plus its lower case; values of 63 characters or more are shortened to a
 * 10-character SHA-224 prefix, a dash and their tail.
 */
export function dnsify(value: string): string {
  let v = value;
  if ([...v].length >= MAX) {
    const h = createHash("sha224").update(v, "utf8").digest("hex").slice(0, HASH_LEN);
    v = `${h}-${[...v].slice(-(MAX - HASH_LEN - 1)).join("")}`;
  }
  let res = "";
  for (const ch of v) {
    if (ch === "_" || ch === "-" || ch === ".") {
      if (res !== "" && res.length < 62) res += "-";
    } else if (!/^[\p{L}\p{N}]$/u.test(ch)) {
      // Python's isalnum: anything else is dropped.
    } else if (isLower(ch) || /^\p{Nd}$/u.test(ch)) {
      res += ch;
    } else {
      if (res !== "" && !res.endsWith("-") && res.length < 62) res += "-";
      res += ch.toLowerCase();
    }
  }
  return res.endsWith("-") ? res.slice(0, -1) : res;
}

function isLower(ch: string): boolean {
  return ch === ch.toLowerCase() && ch !== ch.toUpperCase();
}
