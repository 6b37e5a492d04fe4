import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["lib/**", "node_modules/**", "**/cdktf.out/**", "**/.gen/**", "bin/**", "jest.config.js", "eslint.config.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-restricted-syntax": ["error", { selector: "TSEnumDeclaration", message: "Use string literal unions." }],
    },
  },
  {
    // The planning core stays free of cdktf: only the constructs layer may import it.
    files: ["src/**/*.ts"],
    ignores: ["src/constructs/**", "src/index.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: "^(cdktf|constructs|@cdktf/[^/]+)(/.*)?$", message: "The core must not import cdktf; only src/constructs may." },
        ],
      }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
