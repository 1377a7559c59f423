/*
 * Kubernetes resource quantities (`500m`, `1Gi`, `2`, `1e3`), enough to compare them as
 * k8s.io/apimachinery's `resource.Quantity.Cmp` does; the strings themselves are kept as written.
 */

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** A quantity's value in nano-units (10⁻⁹), exact for every quantity Kubernetes accepts that is ≥ 1n. */
export function parseQuantity(text: string): bigint {
  const match = QUANTITY.exec(text.trim());
  if (match === null) throw new Error(`quantities must match the regular expression '${QUANTITY.source}': ${text}`);
  const [, sign = "", number = "", suffix = ""] = match;
  const [whole = "", fraction = ""] = number.split(".");
  let mantissa = BigInt(`${whole || "0"}${fraction}`);
  let exponent = -fraction.length + 9;
  if (suffix in BINARY) mantissa *= BINARY[suffix] as bigint;
  else if (/^[eE]/.test(suffix)) exponent += Number(suffix.slice(1));
  else exponent += DECIMAL_EXPONENT[suffix] ?? 0;
  const value = exponent >= 0 ? mantissa * 10n ** BigInt(exponent) : mantissa / 10n ** BigInt(-exponent);
  return sign === "-" ? -value : value;
}

/** Whether a quantity string is missing or zero (Go's `Quantity.IsZero` on an unset quantity). */
export function isZeroQuantity(text: string | undefined): boolean {
  return text === undefined || parseQuantity(text) === 0n;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: string, b: string): number {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
