import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";

/**
 * Decodes a serialized proto column.
 * @throws AloftError Internal "failed to unmarshal <what>" when the bytes are corrupt.
 */
export function decodeColumn<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  what: string,
): MessageShape<Desc> {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    throw AloftError.internal(`failed to unmarshal ${what}`, { cause: error });
  }
}

/** Decodes a nullable serialized proto column; undefined when the column is null or empty. */
export function decodeOptionalColumn<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array | null,
  what: string,
): MessageShape<Desc> | undefined {
  return bytes === null || bytes.length === 0 ? undefined : decodeColumn(schema, bytes, what);
}

/** Serializes a message for a proto column. */
export function encodeColumn<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  return toBinary(schema, message);
}
