import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Metadata, MetadataSchema } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";

/** Serialises metadata for a row; absent metadata is stored as an empty message, as datacatalog does. */
export function metadataToBytes(metadata: Metadata | undefined): Uint8Array {
  return toBinary(MetadataSchema, metadata ?? create(MetadataSchema));
}

/** The metadata a row holds. */
export function metadataFromBytes(bytes: Uint8Array): Metadata {
  return fromBinary(MetadataSchema, bytes);
}
