/**
 * Launch plan cron checks. flyteadmin accepts what robfig/cron's `ParseStandard` accepts: an optional
 * `TZ=`/`CRON_TZ=` prefix, then five fields (minute, hour, day of month, month, day of week; `*`, `?`,
 * numbers, month and weekday names, ranges, steps, lists) or a descriptor (`@hourly`, `@every 1h30m`, …).
 * The fields are checked here with robfig's rules and messages; the five-field form must then also be
 * runnable by croner, the scheduler's engine.
 */
import { AloftError } from "@aloft/idl";
import { Cron } from "croner";
import { parseGoDuration } from "../config/go-duration.js";

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = Object.fromEntries(
  ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map((name, i) => [name, i + 1]),
);
const DAY_NAMES = Object.fromEntries(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((name, i) => [name, i]));

const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DAY_NAMES },
];

const DESCRIPTORS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

/**
 * Checks a launch plan's cron expression.
 *
 * @throws AloftError InvalidArgument "Invalid cron expression: <robfig's message>", e.g. "expected exactly 5
 *   fields, found 4: [* * * *]", "end of range (60) above maximum (59): 60", "unrecognized descriptor: @often".
 */
export function validateCronExpression(expression: string): void {
  const problem = cronProblem(expression);
  if (problem !== undefined) throw AloftError.invalidArgument(`Invalid cron expression: ${problem}`);
}

function cronProblem(expression: string): string | undefined {
  if (expression === "") return "empty spec string";
  let spec = expression;
  let timezone: string | undefined;
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    const equals = spec.indexOf("=");
    timezone = space < 0 ? spec.slice(equals + 1) : spec.slice(equals + 1, space);
    if (space < 0 || !isTimezone(timezone)) {
      return `provided bad location ${timezone}: unknown time zone ${timezone}`;
    }
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith("@")) return descriptorProblem(spec);
  const fields = spec.split(/\s+/).filter((field) => field !== "");
  if (fields.length !== FIELDS.length) {
    return `expected exactly ${FIELDS.length} fields, found ${fields.length}: [${fields.join(" ")}]`;
  }
  const normalized: string[] = [];
  for (const [index, field] of fields.entries()) {
    const result = checkField(field, FIELDS[index]!);
    if (typeof result !== "object") return result;
    normalized.push(result.normalized);
  }
  try {
    new Cron(normalized.join(" "), { paused: true, ...(timezone === undefined ? {} : { timezone }) }).stop();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}

function descriptorProblem(spec: string): string | undefined {
  if (DESCRIPTORS.has(spec)) return undefined;
  const every = "@every ";
  if (spec.startsWith(every)) {
    const parsed = parseGoDuration(spec.slice(every.length));
    return parsed.ok ? undefined : `failed to parse duration ${spec}: ${parsed.error}`;
  }
  return `unrecognized descriptor: ${spec}`;
}

function isTimezone(name: string): boolean {
  if (name === "" || name === "Local" || name === "UTC") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** One field: robfig's `getField`. Returns the field as croner reads it, or robfig's message. */
function checkField(field: string, bounds: Bounds): { normalized: string } | string {
  const parts: string[] = [];
  for (const expr of field.split(",").filter((part) => part !== "")) {
    const result = checkRange(expr, bounds);
    if (typeof result === "string") return result;
    parts.push(result.normalized);
  }
  return { normalized: parts.join(",") };
}

function checkRange(expr: string, bounds: Bounds): { normalized: string } | string {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = (rangeAndStep[0] ?? "").split("-");
  const singleValue = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  const wildcard = lowAndHigh[0] === "*" || lowAndHigh[0] === "?";
  if (wildcard) {
    start = bounds.min;
    end = bounds.max;
  } else {
    const first = parseIntOrName(lowAndHigh[0] ?? "", bounds.names);
    if (typeof first === "string") return first;
    start = first;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const second = parseIntOrName(lowAndHigh[1] ?? "", bounds.names);
      if (typeof second === "string") return second;
      end = second;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const parsed = parseNonNegativeInt(rangeAndStep[1] ?? "");
    if (typeof parsed === "string") return parsed;
    step = parsed;
    // "N/step" means "N-max/step".
    if (singleValue) end = bounds.max;
  } else if (rangeAndStep.length > 2) {
    return `too many slashes: ${expr}`;
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  const range = wildcard ? "*" : start === end && rangeAndStep.length === 1 ? `${start}` : `${start}-${end}`;
  return { normalized: rangeAndStep.length === 2 ? `${range}/${step}` : range };
}

function parseIntOrName(text: string, names: Readonly<Record<string, number>> | undefined): number | string {
  const named = names?.[text.toLowerCase()];
  return named ?? parseNonNegativeInt(text);
}

/** Go's `strconv.Atoi` plus robfig's negative check. */
function parseNonNegativeInt(text: string): number | string {
  if (!/^[+-]?\d+$/.test(text))
    return `failed to parse int from ${text}: strconv.Atoi: parsing "${text}": invalid syntax`;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    return `failed to parse int from ${text}: strconv.Atoi: parsing "${text}": value out of range`;
  }
  if (value < 0) return `negative number (${value}) not allowed: ${text}`;
  return value;
}
