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
  // Layers (see STYLE.md): domain ← store, liveperson ← service ← slack ← app, server, cli, doctor.
  // Nothing imports a layer above its own; the services see the store only through its port.
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
);

/** Files matching `files` may not import `patterns` (a lower layer never reaches up). */
function layer(files, patterns) {
  return [{ files: [files], rules: { 'no-restricted-imports': ['error', { patterns }] } }];
}
