/**
 * Signed URLs for the fs store. Admin serves them (e.g. `GET/PUT /blobs/<key>`) and checks each request
 * with {@link verifySignedUrl}; nothing here does I/O.
 *
 * URL shape: `<publicBaseUrl>/<key>?X-Aloft-Method=PUT&X-Aloft-Expires=<epoch ms>&X-Aloft-Content-MD5=<b64>&X-Aloft-Signature=<b64url>`
 * where `key` is the object's path relative to the store root. The signature is HMAC-SHA256 over the
 * method, key, expiry and Content-MD5, so none of them can be changed, and a GET URL cannot be used to PUT.
 * Only the URL's path and query are checked, never its host, so proxies in front of admin do not matter.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { posix } from "node:path";
import { AloftError, Code } from "@aloft/idl";
import type { SignedUrlMethod } from "./blob-store.js";
import { fileUri } from "./blob-uri.js";

const METHOD_PARAM = "X-Aloft-Method";
const EXPIRES_PARAM = "X-Aloft-Expires";
const MD5_PARAM = "X-Aloft-Content-MD5";
const SIGNATURE_PARAM = "X-Aloft-Signature";
const SIGNATURE_VERSION = "aloft-hmac-sha256-v1";
const MIN_SECRET_BYTES = 16;

/** How fs signed URLs are signed and where they point. */
export interface HmacSigningOptions {
  /** HMAC key shared with whoever verifies the URLs (admin); at least 16 bytes. */
  secret: string | Uint8Array;
  /** Base of the URLs, where admin serves blobs, e.g. `http://localhost:30080/blobs`. */
  publicBaseUrl: string;
}

/** Options for {@link verifySignedUrl}. */
export interface VerifySignedUrlOptions extends HmacSigningOptions {
  /** Root directory of the fs store the URL was made for; the returned URI lies under it. */
  root: string;
  /** Time to check expiry against. @default new Date() */
  now?: Date;
}

/** What a valid signed URL grants. */
export interface VerifiedSignedUrl {
  /** `file://` URI of the object. */
  uri: string;
  /** The only HTTP method the URL allows; the server must compare it with the request's. */
  method: SignedUrlMethod;
  /** PUT: the base64 MD5 the body must have (pass it to `put` as `contentMd5`). */
  contentMd5?: string;
  expiresAt: Date;
}

/** Throws InvalidArgument unless `secret` is long enough to sign with. */
export function checkSigningSecret(secret: string | Uint8Array): void {
  const size = typeof secret === "string" ? Buffer.byteLength(secret) : secret.byteLength;
  if (size < MIN_SECRET_BYTES) {
    throw AloftError.invalidArgument(`the signing secret must have at least ${MIN_SECRET_BYTES} bytes, got ${size}`);
  }
}

/**
 * A signed URL for the object at `key` (a `/`-separated path relative to the store root).
 * Used by the fs store; exported for servers that mint URLs without a store at hand.
 */
export function createHmacSignedUrl(options: {
  signing: HmacSigningOptions;
  key: string;
  method: SignedUrlMethod;
  expiresAt: Date;
  contentMd5?: string;
}): string {
  checkSigningSecret(options.signing.secret);
  const expiresMs = options.expiresAt.getTime();
  const url = new URL(baseUrl(options.signing.publicBaseUrl));
  url.pathname = `${basePath(url)}/${options.key.split("/").map(encodeURIComponent).join("/")}`;
  url.searchParams.set(METHOD_PARAM, options.method);
  url.searchParams.set(EXPIRES_PARAM, String(expiresMs));
  if (options.contentMd5 !== undefined) url.searchParams.set(MD5_PARAM, options.contentMd5);
  url.searchParams.set(
    SIGNATURE_PARAM,
    sign(options.signing.secret, [options.method, options.key, expiresMs, options.contentMd5 ?? ""]),
  );
  return url.toString();
}

/**
 * Checks a URL made by the fs store and says what it grants.
 *
 * Throws an `AloftError`: InvalidArgument when `url` is not a signed blob URL at all (wrong base path,
 * missing parameters); PermissionDenied when the signature does not match (any part was changed, or
 * another secret signed it) and when it has expired — both answer HTTP 403, as S3 does.
 */
export function verifySignedUrl(url: string, options: VerifySignedUrlOptions): VerifiedSignedUrl {
  let parsed: URL;
  try {
    parsed = new URL(url, "http://localhost");
  } catch (cause) {
    throw AloftError.invalidArgument(`not a URL: "${url}"`, { cause });
  }
  const prefix = basePath(new URL(baseUrl(options.publicBaseUrl))) + "/";
  if (!parsed.pathname.startsWith(prefix)) {
    throw AloftError.invalidArgument(`not a signed blob URL: its path does not start with "${prefix}"`);
  }
  const key = decodeKey(parsed.pathname.slice(prefix.length));
  const method = parsed.searchParams.get(METHOD_PARAM);
  const expires = parsed.searchParams.get(EXPIRES_PARAM);
  const signature = parsed.searchParams.get(SIGNATURE_PARAM);
  const contentMd5 = parsed.searchParams.get(MD5_PARAM) ?? undefined;
  if (method !== "GET" && method !== "PUT") {
    throw AloftError.invalidArgument(`not a signed blob URL: ${METHOD_PARAM} must be GET or PUT`);
  }
  if (expires === null || !/^\d{1,16}$/.test(expires)) {
    throw AloftError.invalidArgument(`not a signed blob URL: ${EXPIRES_PARAM} must be epoch milliseconds`);
  }
  if (signature === null) throw AloftError.invalidArgument(`not a signed blob URL: ${SIGNATURE_PARAM} is missing`);

  const expected = Buffer.from(sign(options.secret, [method, key, Number(expires), contentMd5 ?? ""]));
  const actual = Buffer.from(signature);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new AloftError(Code.PermissionDenied, "signed URL signature does not match");
  }
  const expiresAt = new Date(Number(expires));
  const now = options.now ?? new Date();
  if (now.getTime() > expiresAt.getTime()) {
    throw new AloftError(Code.PermissionDenied, `signed URL expired at ${expiresAt.toISOString()}`);
  }
  const uri = fileUri(posix.join(posix.resolve(options.root), key));
  return contentMd5 === undefined ? { uri, method, expiresAt } : { uri, method, contentMd5, expiresAt };
}

function sign(secret: string | Uint8Array, fields: readonly (string | number)[]): string {
  // JSON keeps the fields unambiguous whatever characters a key holds.
  return createHmac("sha256", secret)
    .update(JSON.stringify([SIGNATURE_VERSION, ...fields]))
    .digest("base64url");
}

function baseUrl(publicBaseUrl: string): string {
  try {
    return new URL(publicBaseUrl).toString();
  } catch (cause) {
    throw AloftError.invalidArgument(`publicBaseUrl "${publicBaseUrl}" is not an absolute URL`, { cause });
  }
}

function basePath(url: URL): string {
  return url.pathname.replace(/\/+$/, "");
}

function decodeKey(encoded: string): string {
  const segments = encoded.split("/").map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch (cause) {
      throw AloftError.invalidArgument(`not a signed blob URL: bad escape in "${segment}"`, { cause });
    }
  });
  if (segments.some((s) => s === "" || s === "." || s === ".." || s.includes("/") || s.includes("\0"))) {
    throw AloftError.invalidArgument(`not a signed blob URL: invalid key "${encoded}"`);
  }
  return segments.join("/");
}
