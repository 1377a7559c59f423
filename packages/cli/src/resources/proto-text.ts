import { toJson } from "@bufbuild/protobuf";
import { type Duration, DurationSchema, type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";

/** A timestamp as protobuf JSON writes it (RFC 3339, UTC), or `""` when unset. */
export function timestampText(value: Timestamp | undefined): string {
  return value === undefined ? "" : (toJson(TimestampSchema, value) as string);
}

/** A duration as protobuf JSON writes it (`15.5s`), or `""` when unset. */
export function durationText(value: Duration | undefined): string {
  return value === undefined ? "" : (toJson(DurationSchema, value) as string);
}

/**
 * The name of a value of a generated numeric enum (`WorkflowExecution_Phase[3]` is `"SUCCEEDED"`), or the
 * number itself for a value the enum does not know.
 */
export function enumName(enumObject: Record<number, string>, value: number): string {
  return enumObject[value] ?? String(value);
}
