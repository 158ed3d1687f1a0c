import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * dist/ holds only the product (issue 23): `npm run build` (tsconfig.build.json) compiles src/ and what
 * src/ imports, and nothing of the LivePerson stand-in in sandbox/. The files are those of
 * `tsc -p tsconfig.build.json --listFilesOnly` without the libraries: the config's own list, then every
 * relative import they make, followed (read with TypeScript's import scanner, no type-checking: seconds
 * faster than a program).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository's own files the build compiles, relative to the root (libraries left out). */
function buildFiles(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.build.json could not be read');
  const seen = new Set<string>();
  const queue = [...config.fileNames];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue; // a library
      const target = resolve(dirname(file), fileName.replace(/\.js$/, '.ts'));
      if (target.endsWith('.ts')) queue.push(target);
    }
  }
  return [...seen].map((file) => relative(ROOT, file)).sort();
}

describe('the build (npm run build → dist/)', () => {
  it('compiles src/ only, and no stand-in file', () => {
    const files = buildFiles();
    expect(files).toContain('src/index.ts');
    expect(files).toContain('src/cli/lp.ts');
    expect(files.filter((path) => !path.startsWith('src/'))).toEqual([]);
    expect(files.filter((path) => path.includes('sandbox'))).toEqual([]);
  });
});
