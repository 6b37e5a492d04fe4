import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["lib/**", "node_modules/**", "**/cdktf.out/**", "**/.gen/**", "bin/**", "bench/out/**", "jest.config.js", "eslint.config.mjs"] },
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
    // The planning core stays free of any host (cdktf, CDK Terrain) and of constructs: only the
    // constructs layer may use them.
    files: ["src/**/*.ts"],
    ignores: ["src/constructs/**", "src/index.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: "^(cdktf|cdktn|constructs|@cdktf/[^/]+|@cdktn/[^/]+)(/.*)?$", message: "The core must not import cdktf, cdktn or constructs; only src/constructs may." },
        ],
      }],
    },
  },
  {
    // One construct codebase for both hosts: the constructs reach the host of their app through
    // hostOf(scope) (src/constructs/host) and import host packages for their types only.
    files: ["src/constructs/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", {
        patterns: [
          {
            regex: "^(cdktf|cdktn|@cdktf/[^/]+|@cdktn/[^/]+)(/.*)?$",
            allowTypeImports: true,
            message: "Constructs serve cdktf and CDK Terrain alike: use hostOf(scope) from ./host/host, and import host packages with `import type` only.",
          },
        ],
      }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
