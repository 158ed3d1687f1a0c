import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers: a status with a JSON body, a raw text body, or neither. */
export interface Answer {
  status: number;
  json?: unknown;
  raw?: string;
}

export const message = (status: number, text: string): Answer => ({ status, json: { message: text } });

export function send(res: ServerResponse, answer: Answer) {
  const text = answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
  res.writeHead(answer.status, {
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
