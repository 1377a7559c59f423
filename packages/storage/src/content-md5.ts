import { createHash } from "node:crypto";
import { AloftError } from "@aloft/idl";

/** Base64 MD5 of `data`, the HTTP `Content-MD5` form. */
export function md5Base64(data: Uint8Array): string {
  return createHash("md5").update(data).digest("base64");
}

/** Throws InvalidArgument unless `contentMd5` is the base64 of a 16-byte digest. */
export function checkContentMd5(contentMd5: string): void {
  if (!/^[A-Za-z0-9+/]{22}==$/.test(contentMd5)) {
    throw AloftError.invalidArgument(`contentMd5 "${contentMd5}" is not the base64 of a 16-byte MD5 digest`);
  }
}

/** Throws InvalidArgument when a body's actual MD5 differs from the one the caller promised. */
export function verifyContentMd5(options: { uri: string; expected: string | undefined; actual: string }): void {
  if (options.expected !== undefined && options.expected !== options.actual) {
    throw AloftError.invalidArgument(
      `content MD5 mismatch for ${options.uri}: expected ${options.expected}, got ${options.actual}; nothing was written`,
    );
  }
}

/** UTF-8 bytes of a string body, or the bytes as given. */
export function bodyBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? new TextEncoder().encode(data) : data;
}
