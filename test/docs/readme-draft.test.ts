import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const draft = read('docs/README-draft.md');
const scripts = Object.keys(
  (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
);
/** Announced in the draft, added by the storage work (issue 13's other half) before the draft is merged. */
const COMING = new Set(['backup']);

describe('docs/README-draft.md (the README for the person installing lp-delete)', () => {
  it('names only npm scripts that exist, and both manifests', () => {
    const used = [...new Set([...draft.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1] ?? ''))];
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) if (!COMING.has(name)) expect(scripts, `npm run ${name}`).toContain(name);
    for (const file of ['manifest.yml', 'manifest.socket-mode.yml']) {
      expect(draft).toContain(file);
      expect(() => read(file)).not.toThrow();
    }
  });

  it('documents every setting, and stays about a third of the old README', () => {
    const source = read('src/config.ts');
    const names = new Set(
      source.match(/\b(?:LP|SLACK|QUOTA|DATA|PRIVACY|APPROVER|REQUESTER)_[A-Z_]+\b|\bPORT\b/g),
    );
    for (const name of names) expect(draft, name).toContain(name);
    expect(draft.length).toBeLessThan(10_000);
  });
});
