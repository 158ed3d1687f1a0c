import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * "The house has no circles" (issue 15): no file under src/ may reach itself through relative imports.
 * Type-only imports count too: a circle of types is still two rooms that cannot be understood apart.
 * Cycles are reported per strongly connected component (files that all reach each other), each with one
 * concrete path through it, so a failure says which import to remove.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

/** `import … from './x.js'`, `export … from './x.js'`, `import './x.js'` and `import('./x.js')`. */
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|(?:^|[\s;])import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The relative imports of every src file, as paths relative to src/ (`service/submission.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    // Comments may quote an import; they are not one.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const targets = new Set<string>();
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3];
      if (!spec) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      targets.add(relative(SRC, target));
    }
    graph.set(relative(SRC, file), [...targets].sort());
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue; // not a src file (e.g. a .sql or .json import)
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** One shortest circle through `component`'s first file, for the failure message: a → b → … → a. */
function circleThrough(graph: Map<string, string[]>, component: readonly string[]): string[] {
  const start = component[0]!;
  const inside = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/**
 * The circles in src/ known and accepted for now, listed exactly (each a sorted component), so a new one,
 * or a known one that grows, fails this test; when one is broken, remove it from here. None at bfd583a
 * (118 files, 446 relative imports): keep it so.
 */
const KNOWN_CYCLES: string[][] = [];

describe('architecture', () => {
  const graph = importGraph();

  it('reads the imports of every source file', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('app.ts')).toContain('wiring.ts');
  });

  it('the house has no circles beyond the known ones (issue 15)', () => {
    const found = cycles(graph);
    const described = found.map((component) => circleThrough(graph, component).join(' → '));
    expect(found, `import cycles in src/:\n${described.join('\n')}`).toEqual(KNOWN_CYCLES);
  });

  it('finds a circle when there is one, and prints it', () => {
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(cycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    expect(circleThrough(sample, ['a.ts', 'b.ts', 'c.ts'])).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });
});

/*
 * Issue 23: a file under src/ is a room of its own. One that only passes on what others define
 * (`export … from`) is a corridor that a reader has to walk through for nothing.
 */
function onlyReExports(text: string): boolean {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*from\s*['"][^'"]+['"];?/g, '')
    .trim();
  return code === '' && /export\s/.test(text);
}

describe('no file that only re-exports (issue 23)', () => {
  it('finds none under src/', () => {
    const corridors = sourceFiles(SRC)
      .filter((file) => onlyReExports(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(corridors).toEqual([]);
  });

  it('and no file passes on a name another defines: importers use the module that defines it', () => {
    const reExports = sourceFiles(SRC).flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /^export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*from\s*['"][^'"]+['"]/gm,
        ),
      ].map((match) => `${relative(SRC, file)}: ${match[0].replace(/\s+/g, ' ')}`),
    );
    expect(reExports).toEqual([]);
  });

  it('would find one', () => {
    expect(onlyReExports("/** x */\nexport { a } from './a.js';\nexport type { B } from './b.js';\n")).toBe(
      true,
    );
    expect(onlyReExports("export * from './a.js';\n")).toBe(true);
    expect(onlyReExports("export { a } from './a.js';\nexport const b = 1;\n")).toBe(false);
  });
});
