import { describe, expect, it } from 'vitest';
import { capture } from '../support/capture.js';
// @ts-expect-error -- a plain ESM script without type declarations
import { runSteps } from '../../scripts/test.mjs';

interface Step {
  name: string;
  command: string;
  args: string[];
}
const run = runSteps as (steps: Step[], out: { write(text: string): unknown }) => Promise<number>;

function node(name: string, code: string): Step {
  return { name, command: process.execPath, args: ['-e', code] };
}

describe('npm test runner (scripts/test.mjs)', () => {
  it('passes when every step passes, one line each', async () => {
    const out = capture();
    const status = await run([node('a', 'console.log("quiet")'), node('b', '')], out);
    expect(status).toBe(0);
    expect(out.text).toMatch(/^✓ a \(\d+\.\d s\)$/m);
    expect(out.text).toMatch(/^✓ b \(\d+\.\d s\)$/m);
    expect(out.text).not.toContain('quiet');
  });

  it('fails when one step fails, and shows that step’s output', async () => {
    const out = capture();
    const status = await run(
      [node('good', ''), node('lint', 'console.error("file.ts: 1 problem"); process.exit(3)')],
      out,
    );
    expect(status).toBe(1);
    expect(out.text).toContain('✗ lint failed:');
    expect(out.text).toContain('file.ts: 1 problem');
    expect(out.text).toContain('npm test: lint failed.');
  });

  it('a step that cannot start is a failure, not a pass', async () => {
    const out = capture();
    const status = await run([{ name: 'missing', command: '/nonexistent/tool', args: [] }], out);
    expect(status).toBe(1);
    expect(out.text).toContain('✗ missing failed to start');
  });
});
