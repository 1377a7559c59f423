/**
 * flyteadmin's generic field checks (`validation.go`, `shared/errors.go`): every request validator is built
 * from these, so the wording ("missing project", "invalid value for limit") is the same everywhere.
 */
import { AloftError } from "@aloft/idl";

/** INVALID_ARGUMENT "missing <field>" (flyteadmin's `GetMissingArgumentError`). */
export function missingArgument(field: string): AloftError {
  return AloftError.invalidArgument(`missing ${field}`);
}

/** INVALID_ARGUMENT "invalid value for <field>" (flyteadmin's `GetInvalidArgumentError`). */
export function invalidArgumentFor(field: string): AloftError {
  return AloftError.invalidArgument(`invalid value for ${field}`);
}

/** @throws AloftError InvalidArgument "missing <fieldName>" when `value` is empty. */
export function requireNonEmpty(value: string | undefined, fieldName: string): void {
  if (value === undefined || value === "") throw missingArgument(fieldName);
}

/**
 * @throws AloftError InvalidArgument "<fieldName> cannot exceed <limit> characters" when `value` is longer
 *   (counted in UTF-8 bytes, as Go's `len`).
 */
export function requireMaxLength(value: string, fieldName: string, limit: number): void {
  if (Buffer.byteLength(value, "utf8") > limit) {
    throw AloftError.invalidArgument(`${fieldName} cannot exceed ${limit} characters`);
  }
}

/** @throws AloftError InvalidArgument "<fieldName> map cannot exceed <limit> entries". */
export function requireMaxEntries(map: Readonly<Record<string, unknown>>, fieldName: string, limit: number): void {
  if (Object.keys(map).length > limit) {
    throw AloftError.invalidArgument(`${fieldName} map cannot exceed ${limit} entries`);
  }
}

/** @throws AloftError InvalidArgument "invalid value for limit" when `limit` is 0. */
export function requireLimit(limit: number): void {
  if (limit === 0) throw invalidArgumentFor("limit");
}
