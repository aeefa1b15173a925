import { readdirSync } from "node:fs";
import { URL } from "node:url";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import regexp from "eslint-plugin-regexp";

// app/ holds pages and thin route handlers: the database, image work and the file system are reached
// through features/, and browser code shared by pages lives in app/_shared (docs/ARCHITECTURE.md).
const SERVER_ONLY = "app/ only parses, calls features/ and maps the result; see docs/ARCHITECTURE.md.";
const SERVER_ONLY_PATHS = ["better-sqlite3", "sharp", "fs", "node:fs", "fs/promises", "node:fs/promises"].map((name) => ({
  name,
  message: SERVER_ONLY,
}));
const DATABASE = { group: ["@/db", "@/db/*"], message: `The database is reached through features/. ${SERVER_ONLY}` };

/** Page folders under app/, read from disk so a new page is covered: each imports app/_shared, never a sibling. */
const PAGE_FOLDERS = readdirSync(new URL("./app", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== "api" && entry.name !== "_shared")
  .map((entry) => entry.name);
/** The batch detail route mounts the dashboard's batch components: both pages show batches. */
const ALLOWED_SIBLINGS = { batches: ["_dashboard"] };

function siblingPages(folder) {
  const others = PAGE_FOLDERS.filter((f) => f !== folder && !(ALLOWED_SIBLINGS[folder] ?? []).includes(f));
  const names = others.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return {
    regex: `^(?:@/app/|(?:\\.\\./)+)(?:${names.join("|")})(?:/|$)`,
    message: "A page folder imports shared browser code from app/_shared, never from a sibling page (docs/ARCHITECTURE.md).",
  };
}

const appImports = (...patterns) => ["error", { paths: SERVER_ONLY_PATHS, patterns: [DATABASE, ...patterns] }];

export default tseslint.config(
  { ignores: [".next/**", ".next-*/**", "node_modules/**", "data/**", "reports/**", "test-results/**", "next-env.d.ts", "db/migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // A regex that backtracks super-linearly lets one crafted string hold the event loop (and with it
    // the queue and every lease): none may, anywhere. `no-super-linear-move` also covers a pattern
    // that is tried at every start position of a long input (a search, or replace without `^`).
    plugins: { regexp },
    rules: {
      "regexp/no-super-linear-backtracking": ["error", { report: "potential" }],
      "regexp/no-super-linear-move": ["error", { report: "potential", ignorePartial: false }],
    },
  },
  { files: ["app/**/*.{ts,tsx}"], rules: { "no-restricted-imports": appImports() } },
  ...PAGE_FOLDERS.map((folder) => ({
    files: [`app/${folder}/**/*.{ts,tsx}`],
    rules: { "no-restricted-imports": appImports(siblingPages(folder)) },
  })),
  {
    files: ["**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", require: "readonly", __dirname: "readonly" } },
  },
);
