// `npm test`: the type check, lint, format check, knip and the in-process test suite side by side (they wait on
// different things, so together they take about as long as the slowest). The tests' output streams as it
// comes; each check prints one line when it passes, or its whole output when it fails. Arguments go to
// vitest (`npm test -- test/domain`). The exit status is non-zero if any step failed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const BIN = join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.bin');

/** @typedef {{ name: string, command: string, args: string[], stream?: boolean }} Step */

/**
 * Runs the steps at once; resolves to 0 when all passed, 1 otherwise.
 * @param {Step[]} steps
 * @param {{ write: (text: string) => void }} out
 */
export async function runSteps(steps, out = process.stdout) {
  const children = new Set();
  const stop = () => children.forEach((child) => child.kill('SIGTERM'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const results = await Promise.all(
    steps.map(
      (step) =>
        new Promise((resolve) => {
          const started = Date.now();
          const child = spawn(step.command, step.args, {
            stdio: ['ignore', step.stream ? 'inherit' : 'pipe', step.stream ? 'inherit' : 'pipe'],
          });
          children.add(child);
          let output = '';
          child.stdout?.on('data', (chunk) => (output += chunk));
          child.stderr?.on('data', (chunk) => (output += chunk));
          const finish = (ok, why = '') => {
            children.delete(child);
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            if (!step.stream) {
              out.write(ok ? `✓ ${step.name} (${seconds} s)\n` : `✗ ${step.name} failed${why}:\n${output}\n`);
            }
            resolve({ name: step.name, ok });
          };
          child.once('error', (error) => finish(false, ` to start (${error.message})`));
          child.once('close', (code) => finish(code === 0));
        }),
    ),
  );
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  if (failed.length > 0) out.write(`npm test: ${failed.join(', ')} failed.\n`);
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bin = (name) => join(BIN, name);
  process.exitCode = await runSteps([
    { name: 'typecheck', command: bin('tsc'), args: ['--noEmit'] },
    { name: 'eslint', command: bin('eslint'), args: ['.'] },
    { name: 'prettier', command: bin('prettier'), args: ['--check', '.'] },
    // Dead exports, unused files and unused dependencies (issue 23): knip.json says what is an entry.
    { name: 'knip', command: bin('knip'), args: [] },
    {
      name: 'tests',
      command: bin('vitest'),
      args: ['run', '--project', 'app', ...process.argv.slice(2)],
      stream: true,
    },
  ]);
}
