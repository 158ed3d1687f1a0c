import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers: a status with a JSON body, a raw text body, or neither. */
export interface Answer {
  status: number;
  json?: unknown;
  raw?: string;
}

export const message = (status: number, text: string): Answer => ({ status, json: { message: text } });

/**
 * Writes an answer. `date` is the sandbox's clock: every answer carries it as `Date`, as an HTTP origin
 * server with a clock must (RFC 9110 §6.6.1) and as LivePerson's servers do; a sandbox told to run its
 * clock elsewhere (`now`) says so in the header too, so a client can tell its own clock is off.
 */
export function send(res: ServerResponse, answer: Answer, date: Date = new Date()) {
  const text = answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
  res.sendDate = false;
  res.writeHead(answer.status, {
    Date: date.toUTCString(),
    'Content-Type':
      answer.raw !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function isContentType(req: IncomingMessage, expected: string): boolean {
  const value = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return value === expected;
}
