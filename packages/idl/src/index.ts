/**
 * `@aloft/idl`: flyteidl 1.x in TypeScript.
 *
 * Generated messages and services live under subpaths, one per proto file:
 *
 * ```ts
 * import { create, toBinary } from "@bufbuild/protobuf";
 * import { LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
 * ```
 *
 * This index holds the hand-written helpers every other package shares.
 */
export { Code, codeToString } from "./code.js";
export { AloftError, capMessage, MAX_ERROR_MESSAGE_BYTES } from "./aloft-error.js";
export type { AloftErrorOptions } from "./aloft-error.js";
export { literalTypeToString } from "./literal-type-format.js";
export {
  fixedLengthUniqueId,
  fixedLengthUniqueIdForParts,
  flyteBase32,
  fnv128a,
  fnv32a,
  fnv64a,
  joinFixedLengthParts,
  rawOutputShard,
  RAW_OUTPUT_SHARDS,
  tryFixedLengthUniqueId,
  tryFixedLengthUniqueIdForParts,
} from "./name-hash.js";
export type { FixedLengthOptions, NameHashAlgorithm } from "./name-hash.js";
