/**
 * Local files given as inputs of a remote run go up first, as `pyflyte run --remote` uploads them: each through
 * admin's data proxy (`CreateUploadLocation`, then a PUT with its MD5, the same path the code archive takes), and
 * the input becomes the uploaded file's URI.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { BlobType_BlobDimensionality } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { DataProxyService } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import type { Client } from "@connectrpc/connect";
import { CliError } from "../cli-error.js";
import { uploadCodeArchive } from "../register/upload-code-archive.js";
import type { ParsedRunInput } from "./run-input-literals.js";

/** A local file value, as the SDK's `FlyteFile` has one (recognised by shape, like the SDK itself does). */
interface LocalFileValue {
  readonly isLocal: true;
  readonly path: string;
  readonly format: string;
}

/** Whether `input` is a single file (not a folder) still on this machine. */
export function isLocalFileInput(input: ParsedRunInput): boolean {
  const type = input.type.literalType.type;
  if (type.case !== "blob" || type.value.dimensionality !== BlobType_BlobDimensionality.SINGLE) return false;
  const value = input.value as Partial<LocalFileValue> | null;
  return typeof value === "object" && value !== null && value.isLocal === true && typeof value.path === "string";
}

/** Options of {@link uploadLocalFiles}. */
export interface UploadLocalFilesOptions {
  inputs: readonly ParsedRunInput[];
  dataProxy: Client<typeof DataProxyService>;
  project: string;
  domain: string;
}

/**
 * `inputs` with every local file uploaded and replaced by its URI (other inputs as they are).
 *
 * @throws CliError (usage) for a file that cannot be read; (failure) when the upload fails.
 */
export async function uploadLocalFiles(options: UploadLocalFilesOptions): Promise<ParsedRunInput[]> {
  const { FlyteFile } = await import("@aloft/sdk");
  return Promise.all(
    options.inputs.map(async (input) => {
      if (!isLocalFileInput(input)) return input;
      const file = input.value as LocalFileValue;
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file.path);
      } catch (error) {
        throw CliError.usage(`cannot read --${input.name} ${file.path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const uri = await uploadCodeArchive({
        dataProxy: options.dataProxy,
        project: options.project,
        domain: options.domain,
        archive: { name: basename(file.path), bytes },
      });
      return { ...input, value: FlyteFile.fromUri(uri, { format: file.format }) };
    }),
  );
}
