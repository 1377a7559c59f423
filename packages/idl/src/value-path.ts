import { isMessage } from "@bufbuild/protobuf";
import { AloftError } from "./aloft-error.js";
import { Code } from "./code.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_SHOWN_STRING = 40;

/** `path[index]`: the path to an element of a list. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** `path.key`, or `path["odd key"]` when the key is not a plain identifier. */
export function keyPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** A short, unambiguous rendering of any JS value for error messages: `"abc"`, `12`, `12n`, `array[3]`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string": {
      const shown = value.length > MAX_SHOWN_STRING ? `${value.slice(0, MAX_SHOWN_STRING)}…` : value;
      return JSON.stringify(shown);
    }
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "function":
    case "symbol":
      return typeof value;
    case "object":
      if (value === null) return "null";
      if (value instanceof Date)
        return Number.isNaN(value.getTime()) ? "Date(invalid)" : `Date(${value.toISOString()})`;
      if (value instanceof Uint8Array) return `bytes[${value.length}]`;
      if (Array.isArray(value)) return `array[${value.length}]`;
      if (value instanceof Map) return `Map[${value.size}]`;
      if (isMessage(value)) return `${value.$typeName} message`;
      return value.constructor && value.constructor !== Object ? `${value.constructor.name} object` : "object";
  }
}

/** The InvalidArgument error every conversion throws: `path: detail`. */
export function invalidAt(path: string, detail: string): AloftError {
  return AloftError.invalidArgument(`${path}: ${detail}`);
}

/** `path: expected <what>, got <value>`. */
export function expectedAt(path: string, what: string, value: unknown): AloftError {
  return invalidAt(path, `expected ${what}, got ${describeValue(value)}`);
}

/** Whether `e` is the InvalidArgument a failed conversion throws (and not a bug or an I/O failure). */
export function isConversionError(e: unknown): e is AloftError {
  return e instanceof AloftError && e.code === Code.InvalidArgument;
}

/** Sets `record[key]` as an own property, even for keys like `__proto__` that plain assignment mishandles. */
export function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Whether `value` is a plain object (`{…}`, not an array, a class instance or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
