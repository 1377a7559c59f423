/**
 * Reads one object of parsed YAML with typed getters that name the full key on error
 * (`config key server.port must be an integer…`) and remember which keys were read, so {@link ConfigReader.finish}
 * can reject unknown ones.
 */
import { AloftError } from "@aloft/idl";
import { parseGoDuration } from "./go-duration.js";

/** Binary and decimal suffixes of Kubernetes quantities. */
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;
const QUANTITY_FACTORS: Readonly<Record<string, number>> = {
  "": 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** @internal */
export class ConfigReader {
  readonly #path: string;
  readonly #value: Record<string, unknown>;
  readonly #read = new Set<string>();

  private constructor(path: string, value: Record<string, unknown>) {
    this.#path = path;
    this.#value = value;
  }

  /** A reader over the whole document; `null`/`undefined` (an empty file) reads as `{}`. */
  static root(input: unknown): ConfigReader {
    if (input === undefined || input === null) return new ConfigReader("", {});
    if (!isRecord(input)) throw AloftError.invalidArgument("the admin config must be a mapping of keys to values");
    return new ConfigReader("", input);
  }

  has(key: string): boolean {
    return this.#value[key] !== undefined && this.#value[key] !== null;
  }

  /** Throws InvalidArgument: `config key <path> <message>`. */
  fail(key: string, message: string): never {
    throw AloftError.invalidArgument(`config key ${this.#keyPath(key)} ${message}`);
  }

  section(key: string): ConfigReader {
    const value = this.#get(key);
    if (value === undefined) return new ConfigReader(this.#keyPath(key), {});
    if (!isRecord(value)) return this.fail(key, `must be a mapping, got ${describe(value)}`);
    return new ConfigReader(this.#keyPath(key), value);
  }

  optionalString(key: string): string | undefined {
    const value = this.#get(key);
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.fail(key, `must be a string, got ${describe(value)}`);
    return value;
  }

  string(key: string, fallback: string): string {
    return this.optionalString(key) ?? fallback;
  }

  requiredString(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined || value === "") return this.fail(key, "is required");
    return value;
  }

  integer(key: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.#get(key);
    if (value === undefined) return fallback;
    const number = typeof value === "string" && /^-?[0-9]+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== "number" || !Number.isInteger(number) || number < range.min || number > range.max) {
      return this.fail(key, `must be an integer from ${range.min} to ${range.max}, got ${describe(value)}`);
    }
    return number;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.#get(key);
    if (value === undefined) return fallback;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    return this.fail(key, `must be true or false, got ${describe(value)}`);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.#get(key);
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      return this.fail(key, `must be one of ${allowed.join(", ")}, got ${describe(value)}`);
    }
    return value as T;
  }

  /** A Go duration string (`"1h30m"`) or a number of milliseconds; negative values are rejected. */
  durationMs(key: string, fallback: number): number {
    const value = this.#get(key);
    if (value === undefined) return fallback;
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
    if (typeof value === "string") {
      const parsed = parseGoDuration(value.trim());
      if (parsed.ok && parsed.nanos >= 0n) return Number(parsed.nanos / 1_000_000n);
      if (!parsed.ok) return this.fail(key, `must be a duration such as "30s" or "1h": ${parsed.error}`);
    }
    return this.fail(key, `must be a non-negative duration such as "30s" or "1h", got ${describe(value)}`);
  }

  /** An absolute http(s) URL, without a trailing slash. */
  url(key: string, fallback: string): string {
    const value = this.optionalString(key) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return this.fail(key, `must be an absolute http(s) URL, got "${value}"`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      return this.fail(key, `must be an absolute http(s) URL, got "${value}"`);
    }
    return value.replace(/\/+$/, "");
  }

  stringList(key: string, fallback: string[]): string[] {
    const value = this.#get(key);
    if (value === undefined) return fallback;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      return this.fail(key, `must be a list of strings, got ${describe(value)}`);
    }
    return [...(value as string[])];
  }

  stringMap(key: string): Record<string, string> {
    const value = this.#get(key);
    if (value === undefined) return {};
    if (!isRecord(value)) return this.fail(key, `must be a mapping of strings, got ${describe(value)}`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "string") return this.fail(`${key}.${k}`, `must be a string, got ${describe(v)}`);
      out[k] = v;
    }
    return out;
  }

  /** A list of mappings, each read by `readItem` (which should call `finish`). */
  list<T>(key: string, fallback: T[], readItem: (item: ConfigReader) => T): T[] {
    const value = this.#get(key);
    if (value === undefined) return fallback;
    if (!Array.isArray(value)) return this.fail(key, `must be a list, got ${describe(value)}`);
    return value.map((item, i) => {
      if (!isRecord(item)) return this.fail(`${key}[${i}]`, `must be a mapping, got ${describe(item)}`);
      return readItem(new ConfigReader(`${this.#keyPath(key)}[${i}]`, item));
    });
  }

  /** A mapping of arbitrary names to values, each read by `readEntry` through a reader holding `{ value }`. */
  record<T>(key: string, readEntry: (entry: ConfigReader) => T): Record<string, T> {
    const value = this.#get(key);
    if (value === undefined) return {};
    if (!isRecord(value)) return this.fail(key, `must be a mapping, got ${describe(value)}`);
    const out: Record<string, T> = {};
    for (const [name, entry] of Object.entries(value)) {
      out[name] = readEntry(new ConfigReader(`${this.#keyPath(key)}.${name}`, { value: entry }));
    }
    return out;
  }

  /** For {@link ConfigReader.record} entries whose value is a list of mappings. */
  listItems<T>(readItem: (item: ConfigReader) => T): T[] {
    const value = this.#value["value"];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw AloftError.invalidArgument(`config key ${this.#path} must be a list`);
    return value.map((item, i) => {
      const path = `${this.#path}[${i}]`;
      if (!isRecord(item)) throw AloftError.invalidArgument(`config key ${path} must be a mapping`);
      return readItem(new ConfigReader(path, item));
    });
  }

  /** A Kubernetes quantity (`"500m"`, `"1Gi"`, `2`), returned as a string. */
  optionalQuantity(key: string): string | undefined {
    const value = this.#get(key);
    if (value === undefined) return undefined;
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string" || !QUANTITY.test(text)) {
      return this.fail(key, `must be a Kubernetes quantity such as "500m" or "1Gi", got ${describe(value)}`);
    }
    return text;
  }

  /** A size in bytes: a number, or a Kubernetes quantity such as `"2Mi"`. */
  optionalQuantityBytes(key: string): number | undefined {
    const value = this.#get(key);
    if (value === undefined || value === "") return undefined;
    const text = this.optionalQuantity(key)!;
    const match = QUANTITY.exec(text)!;
    const bytes = Math.ceil(Number(match[1]) * QUANTITY_FACTORS[match[2] ?? ""]!);
    if (!Number.isSafeInteger(bytes)) return this.fail(key, `is too large, got ${describe(value)}`);
    return bytes;
  }

  /** Throws for any key of this mapping that no getter read. */
  finish(): void {
    for (const key of Object.keys(this.#value)) {
      if (!this.#read.has(key)) this.fail(key, "is not a known setting");
    }
  }

  #get(key: string): unknown {
    this.#read.add(key);
    const value = this.#value[key];
    return value === null ? undefined : value;
  }

  #keyPath(key: string): string {
    return this.#path === "" ? key : `${this.#path}.${key}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (isRecord(value)) return "a mapping";
  return String(value);
}
