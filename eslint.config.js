// ESLint flat config: typescript-eslint with type information (projectService finds the nearest tsconfig.json:
// the root one for packages/, bench/ and scripts/, each app's own for apps/*), import order by simple-import-sort.
// Formatting is Prettier's job (.prettierrc); no stylistic rules here. Choices and the rules left off: docs/decisions.md,
// issue 15.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', '.tmp/**', 'packages/server/.scratch/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      // The two rules this config exists for: a promise nobody awaits loses its error, and a promise handed to a
      // callback slot that ignores it (an event listener, a timer) does the same.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'simple-import-sort/imports': 'error',
      // In-memory twins implement async interfaces with `async` methods that have nothing to await; `async` keeps a
      // throw a rejection, as the real implementation's would be.
      '@typescript-eslint/require-await': 'off',
      // Rejecting with what the platform handed over (an AbortSignal's reason, a driver callback's error) is right.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // It flags the `keyof T & string` idiom and `unknown` kept in a union as documentation; no bug among its hits.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read untyped socket payloads and destructure fixture getters (`({ db }) => db()`): the no-unsafe family,
    // no-explicit-any and unbound-method would flag ~1,100 lines there with no bug among them.
    files: ['**/test/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['apps/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Plain JavaScript (this file, the server's bin shim) is outside every tsconfig: lint it without types.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
