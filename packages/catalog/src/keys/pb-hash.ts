/**
 * Flyte's `flytestdlib/pbhash`: a deterministic hash of a protobuf message, the objecthash of its jsonpb
 * encoding. Flyte avoids the binary encoding because field order and unknown fields make it unstable.
 */
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { type GoJsonpbOptions, toGoJsonpb } from "./go-jsonpb.js";
import { objectHash } from "./object-hash.js";

/**
 * The 32-byte `pbhash.ComputeHash` of `message`.
 *
 * @throws AloftError InvalidArgument when Go's jsonpb could not encode the message either.
 */
export function pbHash<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options?: GoJsonpbOptions,
): Uint8Array {
  return objectHash(toGoJsonpb(schema, message, options));
}

/** `pbhash.ComputeHashString`: {@link pbHash} as standard base64 with padding. */
export function pbHashString<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options?: GoJsonpbOptions,
): string {
  return Buffer.from(pbHash(schema, message, options)).toString("base64");
}
