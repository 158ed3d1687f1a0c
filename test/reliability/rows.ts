import { readFile, writeFile } from 'node:fs/promises';
import { expect } from 'vitest';

/** One fault and what came of it: a row of docs/reliability.md. */
export interface Row {
  fault: string;
  expected: string;
  observed: string;
  lost: number;
  duplicates: number;
}

const rows: Row[] = [];

/** Keeps the row for the document and fails the test when anything was lost or sent twice. */
export function record(row: Row): void {
  rows.push(row);
  expect(row.lost, `${row.fault}: requests lost`).toBe(0);
  expect(row.duplicates, `${row.fault}: duplicate submissions`).toBe(0);
}

const DOC = new URL('../../docs/reliability.md', import.meta.url);
const HEADER =
  `# Reliability: fault injection\n\nWritten by \`npm run reliability\` (test/reliability/*.test.ts), against the real ` +
  'app: signed Slack requests in, the fake Slack Web API and the LivePerson sandbox out, real data files (and a ' +
  'real tmpfs for the full disk). "Lost" counts requests a person filed that are not in the store afterwards; ' +
  '"duplicates" counts LivePerson requests (or Slack posts) beyond one per approved request.\n\n';

/**
 * With WRITE_RELIABILITY_DOC=1, writes this file's rows as its own section of docs/reliability.md
 * (`npm run reliability` runs the files one after another, so sections never race).
 */
export function writeRowsOnExit(afterAll: (fn: () => Promise<void>) => void, section: string): void {
  afterAll(async () => {
    if (process.env.WRITE_RELIABILITY_DOC !== '1') return;
    const table = rows
      .map((r) => `| ${r.fault} | ${r.expected} | ${r.observed} | ${r.lost} | ${r.duplicates} |`)
      .join('\n');
    const body =
      `<!-- ${section} -->\n## ${section}\n\n_${new Date().toISOString().slice(0, 10)}_\n\n` +
      `| fault | expected | observed | requests lost | duplicates |\n| --- | --- | --- | --- | --- |\n${table}\n<!-- /${section} -->\n`;
    let doc = await readFile(DOC, 'utf8').catch(() => HEADER);
    if (!doc.startsWith('# Reliability')) doc = HEADER;
    const start = doc.indexOf(`<!-- ${section} -->`);
    const end = doc.indexOf(`<!-- /${section} -->`);
    doc =
      start >= 0 && end > start
        ? doc.slice(0, start) + body + doc.slice(end + `<!-- /${section} -->\n`.length)
        : `${doc.trimEnd()}\n\n${body}`;
    if (!doc.startsWith(HEADER)) doc = HEADER + doc.slice(doc.indexOf('\n<!--') + 1);
    await writeFile(DOC, doc);
  });
}
