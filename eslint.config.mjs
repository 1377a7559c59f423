// One lint setup for the monorepo. Package boundaries are enforced here, not by goodwill:
// packages import each other only through `@aloft/<pkg>` (never `src/`, `dist/` or relative paths),
// import cycles are errors (scripts/check-import-cycles.mjs), and each package may import only the packages below it
// (idl ← compiler, storage, db ← admin, engine, catalog ← sdk ← cli; admin and engine never meet).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const allPackages = ["idl", "compiler", "storage", "db", "admin", "engine", "catalog", "sdk", "cli", "console"];

/** Which workspace packages each package may import. */
const allowedDeps = {
  idl: [],
  compiler: ["idl"],
  storage: ["idl"],
  db: ["idl"],
  catalog: ["idl", "storage", "db"],
  admin: ["idl", "compiler", "storage", "db", "catalog"],
  engine: ["idl", "compiler", "storage", "db", "catalog"],
  sdk: ["idl", "compiler", "storage", "engine"],
  cli: ["idl", "compiler", "storage", "db", "admin", "engine", "catalog", "sdk"],
  console: ["idl"],
};

const boundaryConfigs = Object.entries(allowedDeps).map(([pkg, deps]) => ({
  files: [`packages/${pkg}/**/*.{ts,tsx,mts,js,mjs}`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: ["@aloft/*/src", "@aloft/*/src/*", "@aloft/*/dist", "@aloft/*/dist/*"],
            message: "Import other packages through their public entry points (@aloft/<pkg>).",
          },
          {
            // A relative path into another package reaches its `src/` or `dist/`; matching only those keeps a
            // package's own folders that share a package's name (admin's `src/db/`) importable.
            group: ["../../", "../../../", "../../../../"].flatMap((up) =>
              allPackages.flatMap((p) => [`${up}${p}/src`, `${up}${p}/dist`]),
            ),
            message: "Import other packages as @aloft/<pkg>, never by relative path.",
          },
          ...allPackages
            .filter((p) => p !== pkg && !deps.includes(p))
            .map((p) => ({
              group: [`@aloft/${p}`, `@aloft/${p}/*`],
              message: `@aloft/${pkg} must not depend on @aloft/${p} (see docs/architecture.md).`,
            })),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/dist/**", "packages/idl/src/gen/**", "packages/idl/.gen/**", "coverage/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setImmediate: "readonly",
        fetch: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        performance: "readonly",
        structuredClone: "readonly",
        queueMicrotask: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "ExportAllDeclaration[exported=null]",
          message: "Use explicit named exports instead of `export *`.",
        },
      ],
    },
  },
  ...boundaryConfigs,
);
