import { AloftError, Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { translateDbError, withDbErrors } from "./translate-db-error.js";

function driverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("translateDbError", () => {
  it("turns unique violations of both drivers into AlreadyExists", () => {
    for (const error of [
      driverError("23505", 'duplicate key value violates unique constraint "tasks_key"'),
      driverError("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: tasks.project"),
      driverError("SQLITE_CONSTRAINT_PRIMARYKEY", "UNIQUE constraint failed: tasks.id"),
    ]) {
      expect(translateDbError(error)).toMatchObject({
        code: Code.AlreadyExists,
        rawMessage: `value with matching already exists (${error.message})`,
        cause: error,
      });
    }
  });

  it("maps the other database failures to flyteadmin's codes", () => {
    expect(translateDbError(driverError("42P01", 'relation "x" does not exist'))).toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: 'cannot query with specified table attributes: relation "x" does not exist',
    });
    expect(translateDbError(driverError("SQLITE_ERROR", "no such table: x")).code).toBe(Code.InvalidArgument);
    expect(translateDbError(driverError("40001", "could not serialize access")).code).toBe(Code.Aborted);
    expect(translateDbError(driverError("SQLITE_BUSY", "database is locked")).code).toBe(Code.Unavailable);
    expect(translateDbError(driverError("ECONNREFUSED", "connect ECONNREFUSED")).code).toBe(Code.Unavailable);
    expect(translateDbError(driverError("57P01", "terminating connection")).code).toBe(Code.Unavailable);
    expect(translateDbError(driverError("22P02", "invalid input syntax"))).toMatchObject({
      code: Code.Unknown,
      rawMessage: "failed database operation with invalid input syntax",
    });
    expect(translateDbError(new TypeError("x is undefined"))).toMatchObject({
      code: Code.Internal,
      rawMessage: "unexpected error type for: x is undefined",
    });
    const already = AloftError.notFound("gone");
    expect(translateDbError(already)).toBe(already);
  });

  it("wraps every method so that synchronous and asynchronous failures reject translated", async () => {
    const repo = withDbErrors({
      sync(): Promise<number> {
        throw driverError("23505", "dup");
      },
      async later(): Promise<number> {
        throw driverError("SQLITE_BUSY", "busy");
      },
      async fine(): Promise<number> {
        return 1;
      },
    });
    await expect(repo.sync()).rejects.toMatchObject({ code: Code.AlreadyExists });
    await expect(repo.later()).rejects.toMatchObject({ code: Code.Unavailable });
    await expect(repo.fine()).resolves.toBe(1);
  });
});
