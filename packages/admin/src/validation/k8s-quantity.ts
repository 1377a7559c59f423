/**
 * Kubernetes resource quantities (k8s.io/apimachinery `resource.Quantity`), as far as task resource checks need
 * them: exact parsing, Go's `Value()` (rounded up to a whole number) and `MilliValue()`, and the canonical
 * `String()` that flyteadmin prints in its messages (`1000m` → `1`, `1024Mi` → `1Gi`).
 */

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** Kubernetes' `ErrFormatWrong` text. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** Kubernetes' `ErrSuffix` text. */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([suffix, exp]) => [exp, suffix]));

/** A parsed quantity: the exact value `numerator / 10^scale` and the format it was written in. */
export interface Quantity {
  readonly numerator: bigint;
  /** Decimal places of `numerator` (≥ 0). */
  readonly scale: number;
  readonly format: QuantityFormat;
}

/** The result of {@link parseQuantity}: a quantity, or Kubernetes' error text. */
export type ParsedQuantity = { ok: true; quantity: Quantity } | { ok: false; error: string };

/** Parses a quantity string such as `500m`, `1.5Gi` or `2e3` exactly. */
export function parseQuantity(text: string): ParsedQuantity {
  const match = QUANTITY.exec(text);
  if (match === null) return { ok: false, error: QUANTITY_FORMAT_ERROR };
  const [, number = "", suffix = ""] = match;
  const numberMatch = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(number);
  if (numberMatch === null) return { ok: false, error: QUANTITY_FORMAT_ERROR };
  const [, sign = "", whole = "", fraction = ""] = numberMatch;
  let numerator = BigInt(`${whole}${fraction}` === "" ? "0" : `${whole}${fraction}`);
  if (sign === "-") numerator = -numerator;
  let scale = fraction.length;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIXES) {
    format = "DecimalSI";
    const exponent = DECIMAL_SUFFIXES[suffix] ?? 0;
    ({ numerator, scale } = shift(numerator, scale, exponent));
  } else if (suffix in BINARY_SUFFIXES) {
    format = "BinarySI";
    numerator *= 1n << BigInt(BINARY_SUFFIXES[suffix] ?? 0);
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = "DecimalExponent";
    ({ numerator, scale } = shift(numerator, scale, Number(suffix.slice(1))));
  } else {
    return { ok: false, error: QUANTITY_SUFFIX_ERROR };
  }
  return { ok: true, quantity: normalize({ numerator, scale, format }) };
}

function shift(numerator: bigint, scale: number, exponent: number): { numerator: bigint; scale: number } {
  if (exponent >= scale) return { numerator: numerator * 10n ** BigInt(exponent - scale), scale: 0 };
  return { numerator, scale: scale - exponent };
}

function normalize(q: Quantity): Quantity {
  let { numerator, scale } = q;
  while (scale > 0 && numerator % 10n === 0n) {
    numerator /= 10n;
    scale -= 1;
  }
  return { numerator, scale, format: q.format };
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator !== 0n && numerator > 0n ? quotient + 1n : quotient;
}

/** Go's `Quantity.Value()`: the value rounded up to a whole number (so `500m` is 1). */
export function quantityValue(q: Quantity): bigint {
  return ceilDiv(q.numerator, 10n ** BigInt(q.scale));
}

/** Go's `Quantity.MilliValue()`: thousandths, rounded up. */
export function quantityMilliValue(q: Quantity): bigint {
  return ceilDiv(q.numerator * 1000n, 10n ** BigInt(q.scale));
}

/** Go's `Quantity.IsZero()`. */
export function quantityIsZero(q: Quantity): boolean {
  return q.numerator === 0n;
}

/** Go's `Quantity.String()`: the canonical form in the quantity's own format. */
export function quantityToString(q: Quantity): string {
  const sign = q.numerator < 0n ? "-" : "";
  const magnitude = q.numerator < 0n ? -q.numerator : q.numerator;
  if (q.format === "BinarySI" && q.scale === 0 && magnitude >= 1024n) {
    let exponent = 0;
    let mantissa = magnitude;
    while (exponent < 60 && mantissa % 1024n === 0n) {
      mantissa /= 1024n;
      exponent += 10;
    }
    const suffix = Object.entries(BINARY_SUFFIXES).find(([, value]) => value === exponent)?.[0] ?? "";
    return `${sign}${mantissa}${suffix}`;
  }
  // Decimal: the largest exponent that is a multiple of 3 and keeps the mantissa whole (at least nano).
  let exponent = -q.scale;
  let mantissa = magnitude;
  const align = ((exponent % 3) + 3) % 3;
  if (align !== 0) {
    mantissa *= 10n ** BigInt(align);
    exponent -= align;
  }
  while (mantissa !== 0n && mantissa % 1000n === 0n && exponent < 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (mantissa === 0n) exponent = 0;
  if (exponent < -9) {
    // Kubernetes rounds sub-nano values up to nano.
    mantissa = ceilDiv(mantissa, 10n ** BigInt(-9 - exponent));
    exponent = -9;
  }
  if (q.format === "DecimalExponent") return `${sign}${mantissa}${exponent === 0 ? "" : `e${exponent}`}`;
  return `${sign}${mantissa}${DECIMAL_BY_EXPONENT.get(exponent) ?? `e${exponent}`}`;
}
