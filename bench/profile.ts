/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` and the inspector's Profiler write) and lists where the
 * self time went: by function, and by area (a package under node_modules, a source file, Node's internals).
 * Usage on its own: tsx bench/profile.ts <file.cpuprofile>
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a script belongs: `pkg` for node_modules/pkg, `src/…` for ours, `node:…` for Node's own. */
function area(url: string): string {
  if (!url) return '(native / V8)';
  // Ours, compiled for the bench (see compileForBench), or run through tsx.
  const compiled = /\/lp-delete-bench\/((src|bench|test)\/.+)$/.exec(url);
  if (compiled?.[1]) return compiled[1].replace(/\.js$/, '.ts');
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? url);
  }
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/(src|bench|test)\/.+$/.exec(url);
  return ours ? ours[0].slice(1) : url;
}

function place(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const a = area(url);
  const file =
    url.includes('node_modules/') && !url.includes('/lp-delete-bench/') ? `${a}/${url.split('/').at(-1)}` : a;
  return `${name} (${file}:${lineNumber + 1})`;
}

/** Markdown lines: the top functions and areas by self time, idle excluded. */
export async function summariseProfile(file: string, top = 15): Promise<string[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += micros;
    const key = place(node);
    self.set(key, (self.get(key) ?? 0) + micros);
    const where = node.callFrame.url ? area(node.callFrame.url) : node.callFrame.functionName;
    areas.set(where, (areas.get(where) ?? 0) + micros);
  });
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, v]) =>
          `| ${k.replaceAll('|', '\\|')} | ${(v / 1000).toFixed(0)} | ${((100 * v) / total).toFixed(1)} % |`,
      );
  return [
    `Busy (not idle) time sampled: ${(total / 1000).toFixed(0)} ms.`,
    '',
    '| function (self time) | ms | share |',
    '| --- | --: | --: |',
    ...rows(self),
    '',
    '| area (self time) | ms | share |',
    '| --- | --: | --: |',
    ...rows(areas),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: tsx bench/profile.ts <file.cpuprofile>');
  console.log((await summariseProfile(file, Number(process.argv[3] ?? 25))).join('\n'));
}
