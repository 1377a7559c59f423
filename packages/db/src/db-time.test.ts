import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import {
  dateToDbTime,
  dbTimeDiffNanos,
  dbTimeToDate,
  dbTimeToTimestamp,
  isDbTime,
  parseClientTime,
  postgresTimestampToDbTime,
  timestampToDbTime,
} from "./db-time.js";

describe("DbTime", () => {
  it("renders dates as fixed-width UTC with six fraction digits", () => {
    expect(dateToDbTime(new Date("2024-05-01T12:00:00.123Z"))).toBe("2024-05-01T12:00:00.123000Z");
    expect(isDbTime("2024-05-01T12:00:00.123000Z")).toBe(true);
    expect(isDbTime("2024-05-01T12:00:00Z")).toBe(false);
  });

  it("round-trips protobuf timestamps to the microsecond", () => {
    const timestamp = create(TimestampSchema, { seconds: 1714564800n, nanos: 123_456_789 });
    const time = timestampToDbTime(timestamp);
    expect(time).toBe("2024-05-01T12:00:00.123456Z");
    expect(dbTimeToTimestamp(time)).toEqual(create(TimestampSchema, { seconds: 1714564800n, nanos: 123_456_000 }));
    expect(dbTimeToDate(time).toISOString()).toBe("2024-05-01T12:00:00.123Z");
  });

  it("sorts as text in time order", () => {
    const times = ["2024-05-01T12:00:00.000001Z", "2023-12-31T23:59:59.999999Z", "2024-05-01T12:00:00.000000Z"];
    expect([...times].sort()).toEqual([times[1], times[2], times[0]]);
  });

  it("measures durations in nanoseconds", () => {
    expect(dbTimeDiffNanos("2024-05-01T12:00:00.000000Z", "2024-05-01T12:01:00.500000Z")).toBe(60_500_000_000);
  });

  it("rejects timestamps outside years 0 to 9999", () => {
    expect(() => timestampToDbTime(create(TimestampSchema, { seconds: 400_000_000_000n }))).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: "timestamp out of range: 400000000000 seconds",
      }),
    );
  });
});

describe("parseClientTime", () => {
  it("accepts RFC 3339 with any offset and fraction, and normalises it to UTC", () => {
    expect(parseClientTime("2024-05-01T12:00:00Z")).toBe("2024-05-01T12:00:00.000000Z");
    expect(parseClientTime("2024-05-01T14:30:00.123456789+02:30")).toBe("2024-05-01T12:00:00.123456Z");
    expect(parseClientTime("2024-05-01 12:00:00")).toBe("2024-05-01T12:00:00.000000Z");
    expect(parseClientTime("2024-05-01")).toBe("2024-05-01T00:00:00.000000Z");
    expect(parseClientTime("0050-01-01T00:00:00Z")).toBe("0050-01-01T00:00:00.000000Z");
  });

  it("rejects anything else with flyteadmin's message", () => {
    for (const value of [
      "yesterday",
      "2024-13-01T00:00:00Z",
      "2024-02-30",
      "1714564800",
      "2024-05-01T12:00:00Z');--",
    ]) {
      expect(() => parseClientTime(value)).toThrow(
        expect.objectContaining({
          code: Code.InvalidArgument,
          rawMessage: `Timestamp ${value} must conform to RFC3339 Nano spec`,
        }),
      );
    }
  });
});

describe("postgresTimestampToDbTime", () => {
  it("reads PostgreSQL's timestamptz text in UTC and in other offsets", () => {
    expect(postgresTimestampToDbTime("2024-05-01 12:00:00.123456+00")).toBe("2024-05-01T12:00:00.123456Z");
    expect(postgresTimestampToDbTime("2024-05-01 12:00:00+00")).toBe("2024-05-01T12:00:00.000000Z");
    expect(postgresTimestampToDbTime("2024-05-01 14:00:00.5+02")).toBe("2024-05-01T12:00:00.500000Z");
    expect(postgresTimestampToDbTime("2024-05-01 06:30:00-05:30")).toBe("2024-05-01T12:00:00.000000Z");
  });
});
