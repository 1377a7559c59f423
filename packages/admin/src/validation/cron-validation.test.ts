import { AloftError, Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { validateCronExpression } from "./cron-validation.js";

function problem(expression: string): string | undefined {
  try {
    validateCronExpression(expression);
    return undefined;
  } catch (error) {
    if (!(error instanceof AloftError)) throw error;
    expect(error.code).toBe(Code.InvalidArgument);
    return error.rawMessage;
  }
}

describe("cron validation (robfig ParseStandard rules)", () => {
  it("accepts standard five-field expressions, names, steps, descriptors and time zones", () => {
    for (const expression of [
      "*/5 * * * *",
      "0 0 * * *",
      "15 10 ? * MON-FRI",
      "0 0 1 jan,jul *",
      "5/15 * * * *",
      "0-59/7 1-5 * * sun",
      "@hourly",
      "@annually",
      "@midnight",
      "@every 90s",
      "CRON_TZ=Europe/Paris 0 8 * * *",
    ]) {
      expect([expression, problem(expression)]).toEqual([expression, undefined]);
    }
  });

  it("rejects what robfig rejects, with its messages", () => {
    const cases: [string, string][] = [
      ["", "empty spec string"],
      ["* * * *", "expected exactly 5 fields, found 4: [* * * *]"],
      ["0 0 0 * * *", "expected exactly 5 fields, found 6: [0 0 0 * * *]"],
      ["60 * * * *", "end of range (60) above maximum (59): 60"],
      ["* 24 * * *", "end of range (24) above maximum (23): 24"],
      ["* * 0 * *", "beginning of range (0) below minimum (1): 0"],
      ["0 0 * * 7", "end of range (7) above maximum (6): 7"],
      ["5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"],
      ["*/0 * * * *", "step of range should be a positive number: */0"],
      ["0 0 L * *", 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
      ["0 0 * * 5#2", 'failed to parse int from 5#2: strconv.Atoi: parsing "5#2": invalid syntax'],
      ["1-2-3 * * * *", "too many hyphens: 1-2-3"],
      ["1/2/3 * * * *", "too many slashes: 1/2/3"],
      ["@often", "unrecognized descriptor: @often"],
      ["TZ=Mars/Base 0 0 * * *", "provided bad location Mars/Base: unknown time zone Mars/Base"],
    ];
    for (const [expression, message] of cases) {
      expect([expression, problem(expression)]).toEqual([expression, `Invalid cron expression: ${message}`]);
    }
    expect(problem("@every soon")).toMatch(/^Invalid cron expression: failed to parse duration @every soon: /);
  });
});
