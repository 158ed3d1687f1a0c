import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summaryTable } from '../../bench/summary.js';

const doc = readFileSync(new URL('../../docs/benchmarks.md', import.meta.url), 'utf8');
/** The targets as the detailed "Targets" list states them. */
const targets = [...doc.matchAll(/^- (holds|\*\*does not hold\*\*): (.*)$/gm)].map((m) => ({
  ok: m[1] === 'holds',
  what: m[2] ?? '',
}));

describe('docs/benchmarks.md opens with what a user gets (issue 24)', () => {
  it('the first section is a table of targets and results, one row per target checked below', () => {
    const sections = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections[0]).toBe('What you get');
    expect(targets.length).toBeGreaterThan(5);
    // The table is the one bench/summary.ts makes from the same targets: it cannot disagree with them.
    expect(doc).toContain(summaryTable(targets).join('\n'));
  });

  it('each row is in a user’s words, with a target and a figure', () => {
    const rows = summaryTable(targets).filter((line) => /^\| (?!what |---)/.test(line));
    expect(rows).toHaveLength(targets.length);
    for (const row of rows) {
      const [what = '', target = '', figure = ''] = row.split(' | ').map((cell) => cell.replace(/^\| /, ''));
      expect(what, row).not.toMatch(/p99 under|event-loop|RSS after \d+ flows/);
      expect(target, row).not.toBe('—');
      expect(figure, row).toMatch(/\d/);
    }
  });
});
