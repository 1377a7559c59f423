/**
 * The URL handling flyteadmin's REST requests go through before grpc-gateway sees them: Go's request-URI path
 * decoding, `http.ServeMux` path cleaning and `url.ParseQuery`.
 */
import { GoParseError } from "./go-strconv.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Percent-decodes a request path as Go's `url.PathUnescape` (what `r.URL.Path` holds): `%XX` becomes the byte, a
 * `+` stays a `+`, and `%2F` becomes `/` (so, as in grpc-gateway's default mode, an encoded slash splits segments).
 * Throws {@link GoParseError} for a malformed escape or bytes that are not UTF-8.
 */
export function unescapePath(raw: string): string {
  return unescape(raw, false);
}

/**
 * Go's `url.QueryUnescape`: like {@link unescapePath}, but `+` decodes to a space, which is why flyteadmin's
 * clients must send the filter separator `+` as `%2B`.
 */
export function unescapeQueryComponent(raw: string): string {
  return unescape(raw, true);
}

function unescape(raw: string, plusIsSpace: boolean): string {
  if (!raw.includes("%") && !(plusIsSpace && raw.includes("+"))) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new GoParseError(`invalid URL escape ${JSON.stringify(raw.slice(i, i + 3))}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === 0x2b /* + */ && plusIsSpace) {
      bytes.push(0x20);
    } else {
      for (const b of Buffer.from(raw[i]!, "utf8")) bytes.push(b);
    }
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    throw new GoParseError(`invalid UTF-8 in ${JSON.stringify(raw)}`);
  }
}

/** Parsed query parameters, in first-appearance order of their keys. */
export type QueryValues = Map<string, string[]>;

/**
 * Go's `url.ParseQuery`: pairs split on `&` only; a pair containing `;` is rejected ("invalid semicolon separator
 * in query"), which is why flyteadmin's clients must send `value_in` lists' `;` as `%3B`; keys and values are
 * query-unescaped. Like Go, it keeps parsing after an error and reports the first one.
 */
export function parseGoQuery(raw: string, into: QueryValues = new Map()): { values: QueryValues; error?: string } {
  let error: string | undefined;
  for (const pair of raw.split("&")) {
    if (pair.includes(";")) {
      error ??= "invalid semicolon separator in query";
      continue;
    }
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? "" : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = unescapeQueryComponent(rawKey);
      value = unescapeQueryComponent(rawValue);
    } catch (e) {
      error ??= (e as Error).message;
      continue;
    }
    const list = into.get(key);
    if (list === undefined) into.set(key, [value]);
    else list.push(value);
  }
  return error === undefined ? { values: into } : { values: into, error };
}

/**
 * `http.ServeMux`'s canonical form of a decoded path: `path.Clean` (no empty, `.` or `..` segments), keeping a
 * trailing slash. flyteadmin's mux redirects (301) any other form to this one before routing.
 */
export function cleanPath(path: string): string {
  if (path === "") return "/";
  const rooted = path.startsWith("/") ? path : `/${path}`;
  const out: string[] = [];
  for (const segment of rooted.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  let cleaned = `/${out.join("/")}`;
  if (rooted.endsWith("/") && cleaned !== "/") cleaned += "/";
  return cleaned;
}
