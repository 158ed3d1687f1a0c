import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isCalendarDate } from '../domain/gdpr.js';
import { cleanIdentifier } from '../domain/identifier.js';

/** Reading and answering the intake API's HTTP requests: the body with its limit, problem+json (RFC 9457). */

export const BODY_LIMIT_BYTES = 16 * 1024;

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(title);
  }
}

export function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  res.writeHead(problem.status, { 'content-type': 'application/problem+json', ...problem.headers });
  res.end(
    JSON.stringify({
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...problem.extra,
    }),
  );
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function badField(field: string, detail: string): HttpProblem {
  return new HttpProblem(400, 'Invalid request', detail, { field });
}

/** The body as JSON: 415 when it is not declared JSON, 413 past the limit, 400 when it does not parse. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new HttpProblem(415, 'Unsupported media type', 'Send the body as application/json.');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > BODY_LIMIT_BYTES) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw badField('body', 'The body is not valid JSON.');
  }
}

function tooLarge(): HttpProblem {
  return new HttpProblem(413, 'Content too large', `The body may be at most ${BODY_LIMIT_BYTES} bytes.`);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const erasureBodySchema = z.object({
  identifier: z.string().superRefine((value, ctx) => {
    const clean = cleanIdentifier(value);
    if (!clean.ok) ctx.addIssue({ code: 'custom', message: `is ${clean.problem.replace('_', ' ')}` });
    else if (clean.kind === 'name')
      ctx.addIssue({
        code: 'custom',
        message: 'must be an email, a LivePerson consumer id or a phone number',
      });
  }),
  case_ref: z.string().trim().min(1, 'is required').max(200, 'is at most 200 characters'),
  received_on: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .refine(isCalendarDate, 'must be a real date'),
  callback_url: z
    .string()
    .refine((v) => {
      try {
        const url = new URL(v);
        return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
      } catch {
        return false;
      }
    }, 'must be an https URL (http only on loopback)')
    .optional(),
});

/** The first problem of a body, as a 400 naming its field. */
export function bodyProblem(error: z.ZodError): HttpProblem {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  const detail =
    issue?.code === 'invalid_type'
      ? `${field} is missing or not a ${String(issue.expected)}.`
      : `${field} ${issue?.message ?? 'is invalid'}.`;
  return badField(field, detail);
}
