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
 * This index holds the hand-written helpers every other package shares: literal types and
 * literals, conversion between literals and plain JS values, identifiers, flyteadmin-style JSON,
 * name hashing and the shared error type.
 *
 * ```ts
 * import { collectionType, formatIdentifier, integerType, literalFromJs, literalToJs, optionalType, taskId } from "@aloft/idl";
 *
 * const type = optionalType(collectionType(integerType())); // union<list<integer> (Typed List) | none>
 * const literal = literalFromJs([1, 2, 3], type, { path: "inputs.xs" });
 * literalToJs(literal, type); // [1, 2, 3]
 * formatIdentifier(taskId({ project: "p", domain: "development", name: "wf.t1", version: "v1" }));
 * // "task p/development/wf.t1@v1"
 * ```
 */
export { Code, codeToString } from "./code.js";
export { TERMINAL_NODE_PHASES, TERMINAL_TASK_PHASES, TERMINAL_WORKFLOW_PHASES } from "./execution-phases.js";
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
export {
  binaryType,
  blobType,
  booleanType,
  collectionType,
  datetimeType,
  durationType,
  enumType,
  errorType,
  floatType,
  flytekitUnionTag,
  integerType,
  mapType,
  noneType,
  optionalType,
  schemaType,
  stringType,
  structType,
  structuredDatasetType,
  unionType,
  withAnnotation,
  withTag,
} from "./literal-types.js";
export type {
  BlobDimensionality,
  BlobTypeOptions,
  DatasetColumn,
  SchemaColumn,
  SchemaColumnKind,
  StructTypeOptions,
  StructuredDatasetTypeOptions,
} from "./literal-types.js";
export {
  binaryLiteral,
  blobLiteral,
  booleanLiteral,
  collectionLiteral,
  datetimeLiteral,
  durationLiteral,
  errorLiteral,
  floatLiteral,
  genericLiteral,
  integerLiteral,
  isLiteral,
  literalMap,
  literalsEqual,
  mapLiteral,
  noneLiteral,
  stringLiteral,
  structuredDatasetLiteral,
  unionLiteral,
} from "./literals.js";
export type {
  BlobLiteralOptions,
  DurationParts,
  ErrorLiteralOptions,
  StructuredDatasetLiteralOptions,
} from "./literals.js";
export { literalFromJs, literalMapFromJs } from "./literal-from-js.js";
export type { LiteralFromJsOptions, LiteralMapFromJsOptions } from "./literal-from-js.js";
export { literalMapToJs, literalToJs } from "./literal-to-js.js";
export type { LiteralMapToJsOptions, LiteralToJsOptions } from "./literal-to-js.js";
export type {
  JsBinary,
  JsBlob,
  JsDuration,
  JsError,
  JsSchema,
  JsStructuredDataset,
  LiteralJsValue,
} from "./literal-js-value.js";
export { literalToString } from "./literal-to-string.js";
export {
  formatIdentifier,
  identifierKey,
  identifiersEqual,
  launchPlanId,
  nodeExecutionId,
  resourceTypeName,
  taskExecutionId,
  taskId,
  workflowExecutionId,
  workflowId,
} from "./identifiers.js";
export type {
  AnyIdentifier,
  EntityIdParts,
  NodeExecutionIdParts,
  TaskExecutionIdParts,
  WorkflowExecutionIdParts,
} from "./identifiers.js";
export { fromAdminJson, fromAdminJsonString, toAdminJson, toAdminJsonString } from "./admin-json.js";
export type {
  AdminJsonNames,
  FromAdminJsonOptions,
  ToAdminJsonOptions,
  ToAdminJsonStringOptions,
} from "./admin-json.js";
export { flyteidlRegistry } from "./flyteidl-registry.js";
