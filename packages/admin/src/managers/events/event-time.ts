import { type DbTime, dbTimeToEpochMicros } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { type Duration, DurationSchema, type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";

/** `occurred_at`, or the epoch when an event has none (flyteadmin reads a nil timestamp as zero). */
export function occurredAtOf(event: { occurredAt?: Timestamp | undefined }): Timestamp {
  return event.occurredAt ?? create(TimestampSchema);
}

/** `reported_at` when set and non-zero, else `occurred_at` (what node and task events use for `updated_at`). */
export function reportedAtOf(event: {
  occurredAt?: Timestamp | undefined;
  reportedAt?: Timestamp | undefined;
}): Timestamp {
  const reported = event.reportedAt;
  if (reported === undefined || (reported.seconds === 0n && reported.nanos === 0)) return occurredAtOf(event);
  return reported;
}

/**
 * `end − start` as a protobuf Duration, with `start` read from a row column (microsecond precision), as
 * flyteadmin computes durations from the stored `started_at` (Go `time.Duration`, nanoseconds).
 */
export function durationSince(start: DbTime, end: Timestamp): Duration {
  const startNanos = dbTimeToEpochMicros(start) * 1000n;
  const endNanos = end.seconds * 1_000_000_000n + BigInt(end.nanos);
  return durationFromNanos(endNanos - startNanos);
}

/** A Duration of `nanos` nanoseconds, normalised so seconds and nanos share a sign. */
export function durationFromNanos(nanos: bigint): Duration {
  const seconds = nanos / 1_000_000_000n;
  const rest = Number(nanos - seconds * 1_000_000_000n);
  return create(DurationSchema, { seconds, nanos: rest });
}
