// Lint rules for NetLens: the recommended TypeScript set, tuned where it fights deliberate patterns, plus a line length.
// Formatting is not enforced by a formatter (no Prettier run over the tree); max-len keeps lines readable.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A string or template literal of 90 or more characters on the line: a message, markup or CSS kept whole. */
const LONG_LITERAL = '[\'"][^\'"]{90,}|`[^`]{90,}';

/** Node globals the build and bench scripts (.mjs, not type-checked) use. */
const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'globalThis']
    .map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.vscode-test/**', '.cache/**', 'test-results/**', 'test/fixtures/**', '**/*.js', '**/*.cjs',
    // Generated from stubs/**/*.py by scripts/bundle-stubs.mjs.
    'src/core/stubs/bundle.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Code wraps at 160; a line may run longer only for one long message, HTML or CSS literal (90+ characters without a quote).
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true, ignorePattern: LONG_LITERAL }],
      // Every catch block says why it may be empty (a comment inside counts).
      'no-empty': ['error', { allowEmptyCatch: false }],
      // The terminal and hostile-input sanitisers match control characters on purpose.
      'no-control-regex': 'off',
      // Scope and class chains are walked from `this` (`let s = this; while (s) s = s.parent`).
      '@typescript-eslint/no-this-alias': 'off',
      // `_` marks a parameter kept for its position (op hooks receive `tf, attrs, inputs`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: NODE_GLOBALS } },
  // Tests hold Python sources and expected messages as one-line strings; breaking them would hurt more than it helps.
  { files: ['test/**/*.ts'], rules: { 'max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }] } },
);
