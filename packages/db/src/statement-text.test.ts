import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import { describe, expect, it } from "vitest";
import { insertValuesSql, quoteIdentifier, sqlParameters } from "./statement-text.js";

interface Tables {
  things: { id: number; name: string; size: number | null; data: Uint8Array | null; note: string };
}

/** Kysely set up to compile (never run) queries as each dialect does. */
const compilers = {
  postgres: new Kysely<Tables>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
  sqlite: new Kysely<Tables>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
};

describe("insertValuesSql", () => {
  // A column only a later row has, an undefined value and a null: the cases where the column list and DEFAULT matter.
  const rows = [
    { name: "a", size: 1, note: undefined },
    { name: "b", size: null, data: new Uint8Array([1, 2]), note: "n" },
    { name: "c", data: null, note: "m" },
  ];

  for (const dialect of ["postgres", "sqlite"] as const) {
    it(`writes what Kysely compiles the same insert to [${dialect}]`, () => {
      const compiled = compilers[dialect]
        .insertInto("things")
        // Rows with undefined and missing columns on purpose, which the table type does not allow.
        .values(rows as never)
        .returning(["id", "name"])
        .compile();
      const parameters = sqlParameters(dialect);
      expect(insertValuesSql(parameters, "things", rows, ["id", "name"])).toBe(compiled.sql);
      expect(parameters.values).toEqual(compiled.parameters);

      const plain = compilers[dialect]
        .insertInto("things")
        .values(rows[0] as never)
        .compile();
      const more = sqlParameters(dialect);
      expect(insertValuesSql(more, "things", [rows[0]!])).toBe(plain.sql);
      expect(more.values).toEqual(plain.parameters);
    });
  }

  it("numbers PostgreSQL placeholders on from parameters added before", () => {
    const parameters = sqlParameters("postgres");
    expect(parameters.add("first")).toBe("$1");
    expect(insertValuesSql(parameters, "things", [{ name: "x" }])).toBe(`insert into "things" ("name") values ($2)`);
    expect(parameters.values).toEqual(["first", "x"]);
  });

  it("quotes names and refuses an empty insert", () => {
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(() => insertValuesSql(sqlParameters("sqlite"), "things", [])).toThrow(/no rows/);
  });
});
