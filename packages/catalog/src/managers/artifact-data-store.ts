/**
 * Artifact values in the blob store, one `Literal` protobuf per value at Flyte's path
 * (datacatalog/pkg/manager/impl/artifact_data_store.go): a Flyte datacatalog sharing the bucket reads the same files.
 */
import { AloftError } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { type Literal, LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type BlobStore, catalogArtifactDataPath, readProto, writeProto } from "@aloft/storage";
import type { DatasetKey } from "../repositories/catalog-db.js";

/** Reads at most this many values at once (a page of artifacts can hold many). */
const READ_CONCURRENCY = 32;

/** Stores and reads artifact values. Failures are Internal, with Flyte's messages. */
export interface ArtifactDataStore {
  /** Writes one value and returns its location. */
  put(dataset: DatasetKey, artifactId: string, name: string, value: Literal | undefined): Promise<string>;
  /** Reads the values at `locations`, in order. */
  getAll(locations: readonly string[]): Promise<Literal[]>;
  delete(location: string): Promise<void>;
}

/** The {@link ArtifactDataStore} under `catalogRoot` (`<base>/<storage prefix>`). */
export function createArtifactDataStore(blobStore: BlobStore, catalogRoot: string): ArtifactDataStore {
  return {
    async put(dataset, artifactId, name, value) {
      const location = catalogArtifactDataPath({ catalogRoot, dataset, artifactId, outputName: name });
      try {
        await writeProto(blobStore, location, LiteralSchema, value ?? create(LiteralSchema));
      } catch (cause) {
        throw AloftError.internal(`Unable to store artifact data in location ${location}, err ${messageOf(cause)}`, {
          cause,
        });
      }
      return location;
    },

    async getAll(locations) {
      const values: Literal[] = new Array<Literal>(locations.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < locations.length) {
          const index = next++;
          const location = locations[index] ?? "";
          try {
            values[index] = await readProto(blobStore, location, LiteralSchema);
          } catch (cause) {
            throw AloftError.internal(
              `Unable to read artifact data from location ${location}, err ${messageOf(cause)}`,
              {
                cause,
              },
            );
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, locations.length) }, worker));
      return values;
    },

    async delete(location) {
      try {
        await blobStore.delete(location);
      } catch (cause) {
        throw AloftError.internal(`Unable to delete artifact data in location ${location}, err ${messageOf(cause)}`, {
          cause,
        });
      }
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof AloftError ? error.rawMessage : error instanceof Error ? error.message : String(error);
}
