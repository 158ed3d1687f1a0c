import { defineConfig } from 'vitest/config';

// CI (.ci/run) sets VITEST_JSON_REPORT to read the pass/fail counts; locally only the default reporter runs.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
