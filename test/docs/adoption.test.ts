import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** What a company's adoption review asks of an open-source tool (issue 24). */
describe('what an adoption review asks for', () => {
  it('a LICENSE, named the same in package.json', () => {
    const license = read('LICENSE');
    const { license: declared } = JSON.parse(read('package.json')) as { license?: string };
    expect(declared).toBe('MIT');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('a SECURITY.md that says how to report a vulnerability privately', () => {
    const security = read('SECURITY.md');
    expect(security).toMatch(/^## Reporting a vulnerability$/m);
    expect(security).toContain('Report a vulnerability');
    expect(security).toMatch(/not in a public issue/);
  });

  it('a CHANGELOG with upgrade notes per version, the newest first', () => {
    const changelog = read('CHANGELOG.md');
    const versions = [...changelog.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(versions[0]).toBe('Unreleased');
    expect(versions).toContain('0.1.0');
    expect(changelog).toMatch(/^### Upgrading/m);
  });

  it('the README points at nothing outside the repository', () => {
    const readme = read('README.md');
    expect(readme).not.toMatch(/\]\(\.\.\/|`\.\.\/|\.\.\/shared/);
    for (const [, target] of readme.matchAll(/\]\(((?!https?:)[^)#]+)/g)) {
      expect(() => read(target ?? ''), target).not.toThrow();
    }
  });
});
