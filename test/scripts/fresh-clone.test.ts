/**
 * The README's command lines on a fresh clone (issue 24): a copy of the repository's sources with no
 * dist/, the commands run through npm exactly as the README prints them. The first call builds (its
 * output on stderr), stdout holds only the command's own output; the next call runs from dist/ without
 * building again.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS } from '../../src/audit/export.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
let clone: string;

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'lp-delete-clone-'));
  for (const path of [
    'src',
    'scripts',
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'README.md',
  ]) {
    await cp(join(ROOT, path), join(clone, path), { recursive: true });
  }
  await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
});
afterAll(async () => {
  await rm(clone, { recursive: true, force: true });
});

/** Runs a shell line in the clone, as a person types it; a data folder of its own, no .env. */
function sh(line: string) {
  return run('sh', ['-c', line], {
    cwd: clone,
    env: { ...process.env, DATA_DIR: join(clone, 'data'), NO_COLOR: '1' },
    maxBuffer: 10_000_000,
  });
}

/** The README's lines that run one of the command-line tools through npm. */
async function readmeCommands(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^npm run[^\n#]*/gm)].map((m) => m[0].trim());
}

describe('a fresh clone, following the README', () => {
  it('the README runs the command-line tools with npm run -s (no npm banner on stdout)', async () => {
    const tools = (await readmeCommands()).filter((line) =>
      /^npm run (-s )?(lp|audit|doctor|backup|store)\b/.test(line),
    );
    expect(tools.length).toBeGreaterThan(5);
    for (const line of tools) expect(line).toMatch(/^npm run -s /);
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(
      `npm run -s audit -- --format json | node -e "JSON.parse(require('fs').readFileSync(0,'utf8'))"`,
    );
  });

  it('the audit JSON pipe works on the first call (which builds), and the CSV export is only CSV', async () => {
    const json = await sh(
      `npm run -s audit -- --format json | node -e "JSON.parse(require('fs').readFileSync(0,'utf8')); console.log('parsed')"`,
    );
    expect(json.stdout.trim()).toBe('parsed');
    expect(json.stderr).toContain('building dist/');
    await sh('npm run -s audit > export.csv');
    const csv = await readFile(join(clone, 'export.csv'), 'utf8');
    // Nothing before the CSV's header line (RFC 4180: CRLF line ends).
    expect(csv.split(/\r?\n/)[0]).toBe(AUDIT_COLUMNS.join(','));
    expect(csv).not.toContain('> lp-delete');
  }, 240_000);

  it('once dist/ is up to date, --help runs from it without building', async () => {
    await sh('npm run -s audit -- --help');
    const built = (await stat(join(clone, 'dist', '.built'))).mtimeMs;
    const help = await sh('npm run -s audit -- --help');
    expect(help.stdout).toMatch(/^Usage: npm run -s audit/);
    expect(help.stderr).toBe('');
    expect((await stat(join(clone, 'dist', '.built'))).mtimeMs).toBe(built);
  }, 240_000);

  it('a changed source is built again before the next call', async () => {
    const built = (await stat(join(clone, 'dist', '.built'))).mtimeMs;
    const later = new Date(Date.now() + 1000);
    const { utimes } = await import('node:fs/promises');
    await utimes(join(clone, 'src', 'log.ts'), later, later);
    const help = await sh('npm run -s doctor -- --help');
    expect(help.stdout).toMatch(/^Usage: npm run -s doctor/);
    expect(help.stderr).toContain('building dist/');
    expect((await stat(join(clone, 'dist', '.built'))).mtimeMs).toBeGreaterThan(built);
  }, 240_000);
});
