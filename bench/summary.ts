/**
 * The opening table of docs/benchmarks.md: what a person running lp-delete gets, in their words, with the
 * target and this run's result for each. Made from the same targets the detailed sections check (their
 * `what` ends with the measured figure in parentheses), so the table cannot disagree with the sections
 * below it.
 */

export interface Target {
  what: string;
  ok: boolean;
}

/** Each target as a person would ask about it, and the target in short; the first match wins. */
const IN_USERS_WORDS: readonly { match: RegExp; label: string; target: string }[] = [
  { match: /start-up under 1 s/, label: 'Start-up with ten years of requests on disk', target: 'under 1 s' },
  { match: /write p99 under/, label: 'Saving a filed or approved request (p99)', target: 'under 10 ms' },
  { match: /no event-loop stall/, label: 'Longest pause of the app while saving', target: 'under 20 ms' },
  {
    match: /status of a request/,
    label: '`/lp-delete status` of a request from any month',
    target: 'under 50 ms',
  },
  {
    match: /audit of the/,
    label: 'A busy month’s audit export (`npm run -s audit`)',
    target: 'under 500 ms',
  },
  {
    match: /Approve → record p99 with 8/,
    label: 'Approve → LivePerson’s record in the thread, 8 people at once (p99)',
    target: 'under 250 ms',
  },
  {
    match: /two replicas on PostgreSQL/,
    label: 'Approve → record with two replicas on PostgreSQL (p50)',
    target: 'under 1 s',
  },
  {
    match: /ack p99 .*`\/lp-delete`/,
    label: 'Slack gets its answer to `/lp-delete`, 50 at once (p99, vs a bare Bolt app)',
    target: 'within 1.25×',
  },
  {
    match: /ack p99 .*modal submission/,
    label: 'Slack gets its answer to a submitted form, 50 at once (p99, vs bare Bolt)',
    target: 'within 1.25×',
  },
  {
    match: /ack p99 .*Approve click/,
    label: 'Slack gets its answer to an Approve click, 50 at once (p99, vs bare Bolt)',
    target: 'within 1.25×',
  },
  {
    match: /one complete flow costs/,
    label: 'CPU for one request, from the form to the record, in bare Bolt acks',
    target: 'at most 12',
  },
  { match: /RSS after/, label: 'Memory (RSS) after 500 requests', target: 'under 120 MB' },
  {
    match: /counts for a typical person/,
    label: '`/lp-delete person`: the counts for a typical person, LivePerson answering in 0.8 s',
    target: 'under 4.5 s',
  },
];

/** The measured figure: the last parenthesised part of `what`, shortened where it repeats the target. */
function result(what: string): string {
  const open = what.lastIndexOf(' (');
  if (open < 0 || !what.endsWith(')')) return '—';
  const figure = what.slice(open + 2, -1);
  // "828.4 vs 115.5 ms (7.17×)": the ratio, then the two tails.
  const versus = / ([\d.]+ vs [\d.]+ ms)$/.exec(what.slice(0, open));
  if (versus) return `${figure} (${versus[1]})`;
  // "34.3: 28.2 vs 0.82 ms": the count, then the CPU it stands for.
  const acks = /^([\d.]+): ([\d.]+) vs/.exec(figure);
  if (acks) return `${acks[1]} (${acks[2]} ms)`;
  return figure;
}

export function summaryTable(targets: readonly Target[]): string[] {
  const rows = targets.map((t) => {
    const words = IN_USERS_WORDS.find((w) => w.match.test(t.what));
    const open = t.what.lastIndexOf(' (');
    const label = words?.label ?? (open > 0 ? t.what.slice(0, open) : t.what);
    return `| ${label} | ${words?.target ?? '—'} | ${result(t.what)} | ${t.ok ? 'yes' : '**no**'} |`;
  });
  return [
    '## What you get',
    '',
    'Measured on the machine above with the stand-ins for Slack and LivePerson (real networks add their own',
    'time). Details, methods and the history of each figure follow below.',
    '',
    '| what | target | this run | met |',
    '| --- | --- | --: | :-: |',
    ...rows,
    '',
  ];
}
