// ESLint, `npm run lint:code` (and so `npm run check` and CI): typescript-eslint's recommended
// type-checked rules on the TypeScript (unused variables, floating and misused promises, unsafe
// `any`, ...), ESLint's recommended rules on the plain JavaScript (scripts/, .ci/, the jest setup).
// Style is not its business: Prettier's settings are in .prettierrc.json (`npm run format`), and
// nothing checks formatting.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** `_name` is unused on purpose (a rest sibling, a placeholder). */
const unusedVars = [
  "error",
  { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
];

/** Values typed `any` (parsed JSON, hostile values) used freely: the tests, and the files listed below. */
const anyAllowed = {
  "@typescript-eslint/no-explicit-any": "off",
  "@typescript-eslint/no-unsafe-assignment": "off",
  "@typescript-eslint/no-unsafe-member-access": "off",
  "@typescript-eslint/no-unsafe-argument": "off",
  "@typescript-eslint/no-unsafe-return": "off",
};

export default tseslint.config(
  // The .d.cts files declare scripts/lib's and test/support's CommonJS for the tests; tsc checks them.
  {
    ignores: [
      "dist/",
      "generated/",
      "node_modules/",
      ".cache/",
      "docs-build/",
      "coverage/",
      "bench-build/",
      "**/*.d.cts",
    ],
  },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-unused-vars": unusedVars },
  },
  {
    // Tests read JSON answers as `any`, load dist/'s CommonJS with require() (jest's module VM), throw
    // non-errors and hostile values on purpose, and write async callbacks for APIs that take them.
    files: ["test/**/*.ts"],
    rules: {
      ...anyAllowed,
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: { "no-unused-vars": unusedVars },
  },
);
