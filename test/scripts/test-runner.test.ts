import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM script without type declarations
import { runSteps } from '../../scripts/test.mjs';

interface Step {
  name: string;
  command: string;
  args: string[];
}
const run = runSteps as (steps: Step[], out: { write(text: string): void }) => Promise<number>;

function node(name: string, code: string): Step {
  return { name, command: process.execPath, args: ['-e', code] };
}

describe('npm test runner (scripts/test.mjs)', () => {
  it('passes when every step passes, one line each', async () => {
    let out = '';
    const status = await run([node('a', 'console.log("quiet")'), node('b', '')], {
      write: (t) => (out += t),
    });
    expect(status).toBe(0);
    expect(out).toMatch(/^✓ a \(\d+\.\d s\)$/m);
    expect(out).toMatch(/^✓ b \(\d+\.\d s\)$/m);
    expect(out).not.toContain('quiet');
  });

  it('fails when one step fails, and shows that step’s output', async () => {
    let out = '';
    const status = await run(
      [node('good', ''), node('lint', 'console.error("file.ts: 1 problem"); process.exit(3)')],
      { write: (t) => (out += t) },
    );
    expect(status).toBe(1);
    expect(out).toContain('✗ lint failed:');
    expect(out).toContain('file.ts: 1 problem');
    expect(out).toContain('npm test: lint failed.');
  });

  it('a step that cannot start is a failure, not a pass', async () => {
    let out = '';
    const status = await run([{ name: 'missing', command: '/nonexistent/tool', args: [] }], {
      write: (t) => (out += t),
    });
    expect(status).toBe(1);
    expect(out).toContain('✗ missing failed to start');
  });
});
