/**
 * Blob URIs as Flyte's `storage.DataReference` treats them: `scheme://bucket/key`, joined with `/`
 * by Go's `url.ResolveReference` (`URLPathConstructor.ConstructReference`) and split by `url.Parse`
 * (`DataReference.Split`). Escaping follows Go's `net/url` so that references built here are the same
 * strings Flyte builds, byte for byte.
 */
import { AloftError } from "@aloft/idl";

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** `scheme://authority` then the rest, as Go's `url.Parse` splits a hierarchical URL. */
const HIERARCHICAL_URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

// eslint-disable-next-line no-control-regex -- Go's url.Parse rejects ASCII control bytes, so must we.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A blob URI split as Flyte's `DataReference.Split` does. */
export interface ParsedBlobUri {
  /** Lower-case scheme, e.g. `s3` or `file`. */
  scheme: string;
  /** The authority: the bucket for `s3://`, empty for `file:///abs/path`. */
  bucket: string;
  /** The percent-decoded path without leading or trailing `/` (Go trims both). */
  key: string;
  /** True when the URI's path ends with `/` (it names a prefix, not an object). */
  endsWithSlash: boolean;
}

/**
 * Splits `uri` into scheme, bucket and decoded key, as Go's `DataReference.Split`.
 * Throws InvalidArgument when `uri` is not `scheme://authority/path`, carries a query or fragment,
 * control characters or a malformed percent escape.
 */
export function parseBlobUri(uri: string): ParsedBlobUri {
  const match = HIERARCHICAL_URI.exec(uri);
  if (!match) throw AloftError.invalidArgument(`invalid blob URI "${uri}": expected scheme://bucket/key`);
  const [, scheme, bucket, path] = match as unknown as [string, string, string, string];
  if (CONTROL_CHARS.test(uri)) throw AloftError.invalidArgument(`invalid blob URI "${uri}": control characters`);
  if (path.includes("?") || path.includes("#")) {
    throw AloftError.invalidArgument(`invalid blob URI "${uri}": a query or fragment is not allowed`);
  }
  const decoded = decodePath(path, uri);
  return {
    scheme: scheme.toLowerCase(),
    bucket,
    key: trimSlashes(decoded),
    endsWithSlash: decoded.endsWith("/"),
  };
}

/** Builds `scheme://bucket/<key>` with `key` escaped as Go's `url.URL.String()` escapes a path. */
export function formatBlobUri(parts: { scheme: string; bucket: string; key: string }): string {
  return `${parts.scheme}://${parts.bucket}/${escapePath(utf8.encode(parts.key))}`;
}

/**
 * Flyte's `ConstructReference`: `base` with a trailing `/`, resolved against `parts` (each trimmed of
 * `/`, joined with `/`) as a relative URL. So `joinUri("s3://b/a", "x/", "/y")` is `s3://b/a/x/y`,
 * `.` and `..` segments are resolved (never above the bucket), an empty `parts` list yields `base/`,
 * and characters Go would escape (space, `(`, non-ASCII, …) come back percent-encoded.
 *
 * Throws InvalidArgument where Go's parser fails (control characters, bad `%` escapes) and, unlike
 * Go, for parts holding `?` or `#` or whose first segment holds `:` (Go would read those as a query,
 * fragment or another scheme and return a surprising reference).
 */
export function joinUri(base: string, ...parts: string[]): string {
  const { prefix, path } = splitBase(base);
  const basePath = path.endsWith("/") ? path : path + "/";
  const relative = parts.map(trimSlashes).join("/");
  checkRelative(relative, base, parts);
  const resolved = removeDotSegments(basePath + relative);
  return prefix + normaliseEscapes(resolved, base);
}

function splitBase(base: string): { prefix: string; path: string } {
  if (CONTROL_CHARS.test(base))
    throw AloftError.invalidArgument(`invalid base reference "${base}": control characters`);
  if (base.includes("?") || base.includes("#")) {
    throw AloftError.invalidArgument(`invalid base reference "${base}": a query or fragment is not allowed`);
  }
  const match = HIERARCHICAL_URI.exec(base);
  if (!match) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(base) || base.startsWith(":")) {
      throw AloftError.invalidArgument(`invalid base reference "${base}": expected scheme://bucket/path`);
    }
    return { prefix: "", path: base };
  }
  const [, scheme, authority, path] = match as unknown as [string, string, string, string];
  return { prefix: `${scheme.toLowerCase()}://${authority}`, path };
}

function checkRelative(relative: string, base: string, parts: readonly string[]): void {
  const where = () => `cannot join ${JSON.stringify(parts)} to "${base}"`;
  if (CONTROL_CHARS.test(relative)) throw AloftError.invalidArgument(`${where()}: control characters`);
  if (relative.includes("?") || relative.includes("#")) {
    throw AloftError.invalidArgument(`${where()}: a part must not contain "?" or "#"`);
  }
  const firstSegment = relative.split("/", 1)[0] ?? "";
  if (firstSegment.includes(":")) {
    throw AloftError.invalidArgument(`${where()}: the first segment must not contain ":"`);
  }
  checkEscapes(relative, where);
}

/** RFC 3986 dot-segment removal as Go's `resolvePath` does it; the result always starts with `/`. */
function removeDotSegments(path: string): string {
  const segments = (path.startsWith("/") ? path : "/" + path).split("/");
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "." || segment === "..") {
      // A trailing dot segment still names a directory, so it leaves a trailing slash.
      if (segment === ".." && out.length > 1) out.pop();
      if (last) out.push("");
      return;
    }
    out.push(segment);
  });
  const joined = out.join("/");
  // Go writes the leading "/" itself, so a path that began with "//" keeps only one.
  return joined.startsWith("//") ? joined.slice(1) : joined;
}

function checkEscapes(text: string, where: () => string): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "%") continue;
    if (!/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      throw AloftError.invalidArgument(`${where()}: invalid percent escape "${text.slice(i, i + 3)}"`);
    }
    i += 2;
  }
}

/** Go keeps an already-valid escaped path as written, else re-escapes it from its decoded form. */
function normaliseEscapes(path: string, context: string): string {
  checkEscapes(path, () => `invalid reference "${context}"`);
  const bytes = utf8.encode(path);
  if (isValidEncoded(bytes)) return path;
  return escapePath(unescapeBytes(bytes));
}

/** Go's `shouldEscape(c, encodePath)`. */
function shouldEscape(byte: number): boolean {
  if ((byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)) return false;
  return byte >= 0x80 || !"-_.~$&+,/:;=@".includes(String.fromCharCode(byte));
}

/** Go's `validEncoded(s, encodePath)`. */
function isValidEncoded(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte < 0x80 && "!$&'()*+,;=:@[]%".includes(String.fromCharCode(byte))) continue;
    if (shouldEscape(byte)) return false;
  }
  return true;
}

/** Go's `escape(s, encodePath)`: upper-case `%XX` for every byte that should be escaped. */
export function escapePath(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    out += shouldEscape(byte) ? "%" + byte.toString(16).toUpperCase().padStart(2, "0") : String.fromCharCode(byte);
  }
  return out;
}

function unescapeBytes(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x25) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
      i += 2;
    } else {
      out.push(byte);
    }
  }
  return Uint8Array.from(out);
}

function decodePath(path: string, uri: string): string {
  checkEscapes(path, () => `invalid blob URI "${uri}"`);
  try {
    return strictUtf8.decode(unescapeBytes(utf8.encode(path)));
  } catch (cause) {
    throw AloftError.invalidArgument(`invalid blob URI "${uri}": its path does not decode to UTF-8`, { cause });
  }
}

function trimSlashes(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === "/") start++;
  while (end > start && text[end - 1] === "/") end--;
  return text.slice(start, end);
}

/** `file://` URI of an absolute POSIX path, escaped as Go escapes paths. */
export function fileUri(absolutePath: string): string {
  return formatBlobUri({ scheme: "file", bucket: "", key: trimSlashes(absolutePath) });
}
