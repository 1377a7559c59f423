/**
 * Literal checks shared by launch plan registration and execution creation (flyteadmin `validation.go`):
 * literal maps, parameter maps, datetimes and the inline output size limit.
 */
import { AloftError, Code, literalTypeToString } from "@aloft/idl";
import { inferLiteralType, isCastable } from "@aloft/compiler";
import { toBinary } from "@bufbuild/protobuf";
import type { ParameterMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { type Literal, type LiteralMap, LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type LiteralType, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";

/** Seconds from the Unix epoch to 0001-01-01T00:00:00Z and to 9999-12-31T23:59:59Z (protobuf's valid range). */
const MIN_TIMESTAMP_SECONDS = -62_135_596_800n;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n;

/**
 * The literal's type (propeller's `LiteralTypeForLiteral`), checked as flyteadmin's `ValidateLiteralType`
 * does: it must be known, including the element type of lists and maps.
 *
 * @throws AloftError InvalidArgument "Failed to validate literal type for [name] with err: got unknown
 *   literal type: [<nil>]. …".
 */
export function validatedLiteralType(name: string, literal: Literal): LiteralType {
  const type = inferLiteralType(literal);
  if (type === undefined || hasUnknownElementType(type)) {
    throw AloftError.invalidArgument(
      `Failed to validate literal type for [${name}] with err: got unknown literal type: [<nil>].\n` +
        "Suggested solution: Please update all your Flyte deployment images to the latest version and try again",
    );
  }
  return type;
}

function hasUnknownElementType(type: LiteralType): boolean {
  const t = type.type;
  if (t.case === "collectionType" || t.case === "mapValueType") return hasUnknownElementType(t.value);
  return t.case === undefined;
}

/**
 * `ValidateDatetime`: a datetime literal's timestamp is within protobuf's valid range.
 *
 * @throws AloftError InvalidArgument "proto: timestamp (seconds:… nanos:…) before 0001-01-01" (or "after
 *   9999-12-31", "has out-of-range nanos", "invalid nil Timestamp").
 */
export function validateDatetime(literal: Literal): void {
  const value = literal.value;
  const primitive =
    value.case === "scalar" && value.value.value.case === "primitive" ? value.value.value.value : undefined;
  const timestamp = primitive?.value.case === "datetime" ? primitive.value.value : undefined;
  if (timestamp === undefined) throw AloftError.invalidArgument("proto: invalid nil Timestamp");
  const text = [
    timestamp.seconds === 0n ? "" : `seconds:${timestamp.seconds}`,
    timestamp.nanos === 0 ? "" : `nanos:${timestamp.nanos}`,
  ]
    .filter((part) => part !== "")
    .join(" ");
  if (timestamp.seconds < MIN_TIMESTAMP_SECONDS) {
    throw AloftError.invalidArgument(`proto: timestamp (${text}) before 0001-01-01`);
  }
  if (timestamp.seconds > MAX_TIMESTAMP_SECONDS) {
    throw AloftError.invalidArgument(`proto: timestamp (${text}) after 9999-12-31`);
  }
  if (timestamp.nanos < 0 || timestamp.nanos >= 1e9) {
    throw AloftError.invalidArgument(`proto: timestamp (${text}) has out-of-range nanos`);
  }
}

function isDatetime(literal: Literal): boolean {
  const value = literal.value;
  return (
    value.case === "scalar" &&
    value.value.value.case === "primitive" &&
    value.value.value.value.value.case === "datetime"
  );
}

/**
 * `validateLiteralMap`: every entry has a name and a value (a literal or offloaded metadata), and datetimes
 * are in range. Entries are checked in sorted order so the first error is stable.
 *
 * @param fieldName how messages name the map, e.g. `fixed_inputs` or `inputs`.
 * @throws AloftError InvalidArgument "missing key in <fieldName>", "missing valid literal in <fieldName>
 *   <name>", or a {@link validateDatetime} message.
 */
export function validateLiteralMap(map: LiteralMap | undefined, fieldName: string): void {
  const literals = map?.literals ?? {};
  for (const name of Object.keys(literals).sort()) {
    const literal = literals[name];
    if (name === "") throw AloftError.invalidArgument(`missing key in ${fieldName}`);
    if (literal === undefined || literal.value.case === undefined) {
      throw AloftError.invalidArgument(`missing valid literal in ${fieldName} ${name}`);
    }
    if (isDatetime(literal)) validateDatetime(literal);
  }
}

/** Options of {@link validateParameterMap}. */
export interface ValidateParameterMapOptions {
  /** flyteadmin's `featureGates.enableArtifacts`: parameters may take an artifact query. @default false */
  allowArtifacts?: boolean;
}

/**
 * `validateParameterMap` (launch plan default inputs): every parameter has a name, a typed variable, and a
 * default or `required` (or, with artifacts enabled, an artifact query); a default must be castable to the
 * declared type, and a datetime default must be in range. Without artifacts, any artifact query is rejected.
 *
 * @throws AloftError InvalidArgument with flyteadmin's messages ("artifact mode not enabled but query found
 *   default_inputs x", "missing key in default_inputs", "The Variable component of the Parameter x in
 *   default_inputs either is missing, or has a missing Type", "Invalid variable x in default_inputs - variable
 *   has neither default, nor is required. One must be specified", "Type mismatch for Parameter x in
 *   default_inputs has type …, expected …").
 */
export function validateParameterMap(
  map: ParameterMap | undefined,
  fieldName: string,
  options: ValidateParameterMapOptions = {},
): void {
  const parameters = map?.parameters ?? {};
  const names = Object.keys(parameters).sort();
  if (!(options.allowArtifacts ?? false)) {
    for (const name of names) {
      if (parameters[name]?.behavior.case === "artifactQuery") {
        throw AloftError.invalidArgument(`artifact mode not enabled but query found ${fieldName} ${name}`);
      }
    }
  }
  for (const name of names) {
    const parameter = parameters[name];
    if (name === "") throw AloftError.invalidArgument(`missing key in ${fieldName}`);
    const declared = parameter?.var?.type;
    if (parameter === undefined || declared === undefined) {
      throw AloftError.invalidArgument(
        `The Variable component of the Parameter ${name} in ${fieldName} either is missing, or has a missing Type`,
      );
    }
    const behavior = parameter.behavior;
    if (
      behavior.case !== "default" &&
      behavior.case !== "artifactQuery" &&
      !(behavior.case === "required" && behavior.value)
    ) {
      throw AloftError.invalidArgument(
        `Invalid variable ${name} in ${fieldName} - variable has neither default, nor is required. One must be specified`,
      );
    }
    if (behavior.case !== "default") continue;
    const type = validatedLiteralType(name, behavior.value);
    if (!isCastable(type, declared)) {
      throw AloftError.invalidArgument(
        `Type mismatch for Parameter ${name} in ${fieldName} has type ${literalTypeToString(declared)}, expected ${literalTypeToString(type)}`,
      );
    }
    if (declared.type.case === "simple" && declared.type.value === SimpleType.DATETIME)
      validateDatetime(behavior.value);
  }
}

/**
 * `ValidateOutputData`: inline event outputs must not exceed `maxSizeBytes` serialized.
 *
 * @throws AloftError ResourceExhausted "Output data size exceeds platform configured threshold (n > max)".
 */
export function validateOutputData(outputData: LiteralMap | undefined, maxSizeBytes: number): void {
  if (outputData === undefined) return;
  const size = toBinary(LiteralMapSchema, outputData).length;
  if (size <= maxSizeBytes) return;
  throw new AloftError(
    Code.ResourceExhausted,
    `Output data size exceeds platform configured threshold (${size} > ${maxSizeBytes})`,
  );
}
