// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The product code and the LivePerson stand-in (sandbox/) are linted with type information
  // (typescript-eslint strict type-checked). Tests, scripts and the bench keep the recommended rules:
  // their `!` on values a test just made reads best.
  ...tseslint.configs.strictTypeChecked.map((config) => ({
    ...config,
    files: ['src/**/*.ts', 'sandbox/**/*.ts'],
  })),
  {
    files: ['src/**/*.ts', 'sandbox/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // A newcomer reads a file at a sitting: past 300 lines it holds more than one thing.
      'max-lines': ['error', { max: 300 }],
      // The store port's methods are async by contract; an in-memory implementation resolves at once.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // Layers (see STYLE.md): domain ← store, liveperson ← service ← slack ← app, server, cli, doctor.
  // Nothing imports a layer above its own; the services see the store only through its port. No src file
  // imports the stand-in (sandbox/): dist/ holds only the product (layer() adds that to every layer; this
  // first entry covers the files no layer below names).
  ...layer('src/**/*.ts', []),
  ...layer('src/domain/**/*.ts', [
    '@slack/*',
    'axios',
    'pg',
    'lowdb',
    'lowdb/*',
    '**/slack/**',
    '**/store/**',
    '**/liveperson/**',
    '**/service/**',
  ]),
  ...layer('src/store/**/*.ts', [
    '@slack/*',
    'axios',
    '**/slack/**',
    '**/service/**',
    '**/liveperson/**',
    '**/cli/**',
    '**/doctor/**',
    '**/app.js',
  ]),
  ...layer('src/liveperson/**/*.ts', [
    '@slack/*',
    'lowdb',
    'pg',
    '**/slack/**',
    '**/service/**',
    '**/store/**',
    '**/app.js',
  ]),
  ...layer('src/service/**/*.ts', [
    '@slack/*',
    'lowdb',
    'pg',
    '**/slack/**',
    '**/cli/**',
    '**/doctor/**',
    '**/app.js',
    '**/server.js',
    '**/store/lowdb/**',
    '**/store/postgres/**',
  ]),
  ...layer('src/slack/**/*.ts', [
    'lowdb',
    'pg',
    '**/store/lowdb/**',
    '**/store/postgres/**',
    '**/cli/**',
    '**/doctor/**',
    '**/app.js',
    '**/server.js',
  ]),
  // The intake API (issue 21): an entry point beside slack/, over the services; no store internals.
  ...layer('src/intake/**/*.ts', [
    '@slack/*',
    'lowdb',
    'pg',
    '**/slack/**',
    '**/store/lowdb/**',
    '**/store/postgres/**',
    '**/cli/**',
    '**/doctor/**',
    '**/app.js',
    '**/server.js',
  ]),
  // The stand-in is built from LivePerson's pages, never from our client: it imports nothing from src/.
  {
    files: ['sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/src/**'] }] },
  },
);

/**
 * Files matching `files` may not import `patterns` (a lower layer never reaches up), nor the stand-in in
 * sandbox/. (A later entry replaces an earlier one's rule for the same file, so each carries both.)
 */
function layer(files, patterns) {
  const withoutStandIn = [...patterns, '**/sandbox/**'];
  return [{ files: [files], rules: { 'no-restricted-imports': ['error', { patterns: withoutStandIn }] } }];
}
