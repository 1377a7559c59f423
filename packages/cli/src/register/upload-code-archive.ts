import { createHash } from "node:crypto";
import { basename } from "node:path";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { DataProxyService } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { CliError } from "../cli-error.js";
import type { RegisterFile } from "./collect-register-files.js";

/** Options of {@link uploadCodeArchive}. */
export interface UploadCodeArchiveOptions {
  dataProxy: Client<typeof DataProxyService>;
  project: string;
  domain: string;
  archive: RegisterFile;
}

/**
 * Uploads the fast-registration code archive as flytectl's `uploadFastRegisterArtifact` and flytekit do: its
 * MD5 goes to DataProxy's `CreateUploadLocation` (with the file's name), and the bytes are PUT to the signed URL
 * with `Content-MD5` (and any headers admin asks for), so the store can check them. Resolves to the native
 * URL (`s3://…`, `file://…`) the tasks' `{{ .remote_package_path }}` becomes.
 *
 * The archive goes up as it is, gzipped, like flytekit's `pyflyte register` (flytectl uploads it gunzipped);
 * `aloft-fast-execute` and `pyflyte-fast-execute` unpack either.
 *
 * @throws CliError (failure) when admin has no data proxy, refuses the location, or the upload fails.
 */
export async function uploadCodeArchive(options: UploadCodeArchiveOptions): Promise<string> {
  const { archive } = options;
  const md5 = createHash("md5").update(archive.bytes).digest();
  let location;
  try {
    location = await options.dataProxy.createUploadLocation({
      project: options.project,
      domain: options.domain,
      filename: basename(archive.name),
      contentMd5: md5,
    });
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.Unimplemented) {
      throw CliError.failure(
        `cannot upload the code archive ${archive.name}: admin has no DataProxyService.CreateUploadLocation`,
        { cause: error },
      );
    }
    if (error instanceof ConnectError) {
      throw CliError.failure(`failed to create an upload location for ${archive.name}: ${error.rawMessage}`, {
        cause: error,
      });
    }
    throw error;
  }
  if (location.signedUrl === "" || location.nativeUrl === "") {
    throw CliError.failure(`admin gave no upload location for ${archive.name}`);
  }
  const headers: Record<string, string> = {
    "Content-Length": String(archive.bytes.length),
    "Content-MD5": md5.toString("base64"),
    ...location.headers,
  };
  let response: Response;
  try {
    response = await fetch(location.signedUrl, { method: "PUT", headers, body: archive.bytes });
  } catch (error) {
    const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
    throw CliError.failure(`cannot upload ${archive.name} to ${withoutQuery(location.signedUrl)}: ${reason}`, {
      cause: error,
    });
  }
  if (!response.ok) {
    const body = (await response.text()).trim().split("\n")[0] ?? "";
    throw CliError.failure(
      `failed uploading ${archive.name} to ${withoutQuery(location.signedUrl)}: bad status ${response.status} ${response.statusText}${body === "" ? "" : `: ${body}`}`,
    );
  }
  await response.body?.cancel();
  return location.nativeUrl;
}

/** A signed URL without its signature, for messages. */
function withoutQuery(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}
