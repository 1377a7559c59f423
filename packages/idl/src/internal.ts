/**
 * `@aloft/idl/internal`: helpers other Aloft packages share but users should not depend on.
 * Not a stable API.
 * @internal
 */
export {
  describeValue,
  expectedAt,
  indexPath,
  invalidAt,
  isConversionError,
  isPlainObject,
  keyPath,
  setEntry,
} from "./value-path.js";
