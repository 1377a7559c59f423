/**
 * The two Kubernetes checks task compilation needs: resource quantities (k8s.io/apimachinery
 * `resource.ParseQuantity`) and DNS-1123 labels (`validation.IsDNS1123Label`).
 */

const SUFFIX_CHARS = new Set("eEinumkKMGTP");
const VALID_SUFFIXES = new Set(["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]);

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/**
 * Whether `value` parses as a Kubernetes quantity such as `500m`, `1.5Gi`, `2e3` or `+1`:
 * an optionally signed decimal number followed by a binary-SI, decimal-SI or exponent suffix.
 * Like Kubernetes' scanner, a missing number reads as zero, so `Mi` and `.` pass too.
 */
export function isKubernetesQuantity(value: string): boolean {
  if (value.length === 0) return false;
  let pos = 0;
  if (value[0] === "+" || value[0] === "-") pos++;
  while (isDigit(value[pos])) pos++;
  if (value[pos] === ".") {
    pos++;
    while (isDigit(value[pos])) pos++;
  }
  const suffixStart = pos;
  while (pos < value.length && SUFFIX_CHARS.has(value[pos] ?? "")) pos++;
  if (pos < value.length && (value[pos] === "+" || value[pos] === "-")) pos++;
  while (isDigit(value[pos])) pos++;
  if (pos < value.length) return false;
  return isValidSuffix(value.slice(suffixStart));
}

function isValidSuffix(suffix: string): boolean {
  if (VALID_SUFFIXES.has(suffix)) return true;
  // A decimal exponent: `e` or `E`, then a signed integer.
  return /^[eE][+-]?\d+$/.test(suffix);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `value` is a DNS-1123 label (lower-case alphanumerics and `-`, at most 63 characters). */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}
