/**
 * Starts s3rver (a pure-npm S3 double) on 127.0.0.1, a free port, and a temporary directory.
 *
 * It runs in a child Node process started with `--openssl-legacy-provider`: s3rver encrypts
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through that provider, so in
 * this process every paginated listing would fail with a 500. s3rver checks neither signatures nor
 * Content-MD5, so those are only exercised for real against ALOFT_S3_ENDPOINT.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { makeTempDir } from "@aloft/test-helpers";

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

const SERVER_SCRIPT = `
const [modulePath, directory, buckets] = process.argv.slice(1);
const S3rver = require(modulePath);
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  directory,
  silent: true,
  configureBuckets: JSON.parse(buckets).map((name) => ({ name })),
});
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + "\\n"));
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
// Die with the test process: its end of stdin closes when it exits, however it exits.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
`;

export async function startS3rver(
  buckets: readonly string[],
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const dir = await makeTempDir("aloft-s3rver-");
  const modulePath = createRequire(import.meta.url).resolve("s3rver");
  const child = spawn(
    process.execPath,
    ["--openssl-legacy-provider", "-e", SERVER_SCRIPT, modulePath, dir.path, JSON.stringify(buckets)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  try {
    const port = await readPort(child);
    return {
      endpoint: `http://127.0.0.1:${port}`,
      stop: async () => {
        await stopChild(child);
        await dir.cleanup();
      },
    };
  } catch (error) {
    await stopChild(child);
    await dir.cleanup();
    throw error;
  }
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const line = output.split("\n")[0];
      if (output.includes("\n") && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited with code ${code} before it listened`)));
    child.once("error", reject);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
