/**
 * The HMAC key of the fs store's signed URLs. Generated once and kept in a file readable by its owner only, so
 * URLs handed out before a restart stay valid after it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { AloftError } from "@aloft/idl";

const MIN_SECRET_BYTES = 16;

/**
 * Reads the signing secret kept at `path`, creating it (32 random bytes, base64url, mode 0600, parent 0700) when
 * the file does not exist.
 *
 * @throws AloftError FailedPrecondition when the file exists but holds fewer than 16 bytes, Internal when it cannot
 *   be read or written.
 */
export async function loadSigningSecret(path: string): Promise<string> {
  const existing = await readSecret(path);
  if (existing !== undefined) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  try {
    // `wx`: if another process created the file meanwhile, its secret wins and is read below.
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      throw AloftError.internal(`cannot write the blob signing secret ${path}: ${errorText(error)}`, { cause: error });
    }
  }
  const raced = await readSecret(path);
  if (raced === undefined) throw AloftError.internal(`the blob signing secret ${path} vanished while it was created`);
  return raced;
}

async function readSecret(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw AloftError.internal(`cannot read the blob signing secret ${path}: ${errorText(error)}`, { cause: error });
  }
  const secret = text.trim();
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw AloftError.failedPrecondition(
      `the blob signing secret ${path} holds fewer than ${MIN_SECRET_BYTES} bytes: delete it to have a new one made`,
    );
  }
  return secret;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
