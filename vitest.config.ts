import { defineConfig } from 'vitest/config';

// CI (.ci/run) sets VITEST_JSON_REPORT to read the pass/fail counts; locally only the default reporter runs.
const jsonReport = process.env.VITEST_JSON_REPORT;

/**
 * Suites that start the app, the CLI or the demo as real child processes (crashes, signals, start-up
 * failures, replicas). They cost most of the suite's CPU, so `npm test` leaves them to
 * `npm run test:processes`; `.ci/run` runs both, on Node 20 and Node 24.
 */
const PROCESS_SUITES = [
  'test/startup/**/*.test.ts',
  'test/reliability/**/*.test.ts',
  'test/e2e/replicas.test.ts',
  'test/cli/lp-process.test.ts',
  'test/scripts/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'app',
          include: ['test/**/*.test.ts'],
          exclude: PROCESS_SUITES,
          // The in-process suites keep no state in modules (every test builds its own app, store and
          // stand-ins), so a worker reuses the modules it has loaded: a third of the CPU of isolating files.
          isolate: false,
          maxWorkers: 3,
          // `vitest run` (every project) runs this group first, then the processes.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: PROCESS_SUITES,
          // Each of these files runs children of its own; two at a time keeps their timings honest on a
          // two-core machine.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
