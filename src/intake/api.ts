import type { Clock } from '../domain/clock.js';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IntakeConfig } from '../config/intake.js';
import { errorCode } from '../domain/error-code.js';
import type { Logger } from '../log.js';
import type { Intake } from '../service/intake.js';
import {
  bodyProblem,
  badField,
  erasureBodySchema,
  HttpProblem,
  readJson,
  sendJson,
  sendProblem,
} from './requests.js';

/**
 * The intake API (issue 21): POST /api/v1/erasures, GET /api/v1/erasures/{id}, GET /api/v1/openapi.json.
 * Served by Bolt's HTTP receiver in HTTP mode, on INTAKE_PORT in Socket Mode. Nothing of a body is
 * logged but the case reference's length and the caller's name.
 */

export const OPENAPI_FILE = new URL('../../docs/openapi.json', import.meta.url);
export const RATE_PER_MINUTE = 30;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export interface IntakeApiDeps {
  config: IntakeConfig | undefined;
  intake: Intake;
  log: Logger;
  now: Clock;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function intakeApi(deps: IntakeApiDeps): RouteHandler {
  const callers = (deps.config?.callers ?? []).map((c) => ({ name: c.name, hash: sha256(c.token) }));
  const windows = new Map<string, { start: number; count: number }>();
  let openapi: string | undefined;

  const authenticate = (req: IncomingMessage): string => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    // Every token is compared, in constant time, on hashes of equal length.
    const given = sha256(match?.[1] ?? '');
    let found: string | undefined;
    for (const caller of callers) if (timingSafeEqual(given, caller.hash) && match) found = caller.name;
    if (!found) {
      throw new HttpProblem(
        401,
        'Unauthorized',
        'Send Authorization: Bearer <token> with a token from INTAKE_TOKENS.',
        {},
        { 'www-authenticate': 'Bearer realm="lp-delete"' },
      );
    }
    return found;
  };

  const admit = (caller: string) => {
    const now = deps.now().getTime();
    const window = windows.get(caller);
    if (!window || now - window.start >= 60_000) {
      windows.set(caller, { start: now, count: 1 });
      return;
    }
    window.count += 1;
    if (window.count > RATE_PER_MINUTE) {
      const retry = Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
      throw new HttpProblem(
        429,
        'Too many requests',
        `At most ${RATE_PER_MINUTE} requests a minute per caller.`,
        {},
        { 'retry-after': String(retry) },
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/v1/openapi.json' && req.method === 'GET') {
      openapi ??= readFileSync(OPENAPI_FILE, 'utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(openapi);
      return;
    }
    if (!deps.config)
      throw new HttpProblem(404, 'Not found', 'The intake API is off (INTAKE_TOKENS is not set).');
    const caller = authenticate(req);
    admit(caller);
    if (path === '/api/v1/erasures' && req.method === 'POST') {
      const json = await readJson(req);
      const parsed = erasureBodySchema.safeParse(json);
      if (!parsed.success) throw bodyProblem(parsed.error);
      const body = parsed.data;
      const key = req.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
        throw badField('Idempotency-Key', 'Idempotency-Key must be 1 to 200 visible ASCII characters.');
      }
      if (body.callback_url && !deps.config.callbackSecret) {
        throw badField(
          'callback_url',
          'callback_url needs INTAKE_CALLBACK_SECRET set on lp-delete to sign callbacks.',
        );
      }
      deps.log.info('intake_post', { caller, caseRefLength: body.case_ref.length });
      const { erasure, created } = await deps.intake.submit({
        caller,
        identifier: body.identifier,
        caseRef: body.case_ref,
        receivedOn: body.received_on,
        ...(body.callback_url ? { callbackUrl: body.callback_url } : {}),
        ...(key ? { idempotencyKey: key } : {}),
      });
      res.setHeader('location', `/api/v1/erasures/${erasure.id}`);
      if (!created) res.setHeader('idempotent-replayed', 'true');
      sendJson(res, 202, {
        id: erasure.id,
        status: erasure.status,
        links: { self: `/api/v1/erasures/${erasure.id}` },
      });
      return;
    }
    const one = /^\/api\/v1\/erasures\/([^/]+)$/.exec(path);
    if (one?.[1] && req.method === 'GET') {
      const view = await deps.intake.view(caller, decodeURIComponent(one[1]));
      if (!view) throw new HttpProblem(404, 'Not found', 'No erasure of yours has this id.');
      sendJson(res, 200, view);
      return;
    }
    throw new HttpProblem(404, 'Not found', 'No such endpoint.');
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpProblem) {
        sendProblem(res, error);
        return;
      }
      deps.log.error('intake_error', { code: errorCode(error) });
      sendProblem(
        res,
        new HttpProblem(500, 'Internal error', 'lp-delete could not take this request; try again.'),
      );
    });
  };
}

/** Posts a callback signed with INTAKE_CALLBACK_SECRET: HMAC-SHA256 of "<timestamp>.<body>". */
export function callbackPoster(secret: string | undefined, now: Clock, timeoutMs = 10_000) {
  return async (url: string, body: string): Promise<number> => {
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const signature = createHmac('sha256', secret ?? '')
      .update(`${timestamp}.${body}`)
      .digest('hex');
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-lp-delete-timestamp': timestamp,
        'x-lp-delete-signature': `sha256=${signature}`,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
