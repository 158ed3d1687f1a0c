import type { Config } from '../../config.js';
import { failed, passed, warned, type CheckResult } from '../result.js';

/**
 * The intake API's settings (issue 21): off, or on and reachable, with callbacks that can be signed.
 * Never a token or the secret: caller names, the port and setting names only.
 */
export function checkIntake(config: Config): CheckResult {
  const name = 'intake api';
  const intake = config.intake;
  if (!intake) return passed(name, 'off (INTAKE_TOKENS is not set): /api/v1/erasures answers 404');
  const callers = intake.callers.map((c) => c.name).join(', ');
  const socketMode = Boolean(config.slack.appToken);
  if (socketMode && intake.port === undefined) {
    return failed(
      name,
      `INTAKE_TOKENS names ${callers}, but in Socket Mode the API has no port to listen on`,
      'Set INTAKE_PORT (e.g. 3001) and put TLS in front of it, or unset INTAKE_TOKENS.',
    );
  }
  const where = socketMode ? `INTAKE_PORT ${intake.port ?? ''}` : `PORT ${config.slack.port}`;
  if (!intake.callbackSecret) {
    return warned(
      name,
      `on for ${callers}, at /api/v1/erasures on ${where}; callbacks are off (no INTAKE_CALLBACK_SECRET): a callback_url is refused`,
      'Set INTAKE_CALLBACK_SECRET (at least 32 characters, e.g. `openssl rand -hex 32`) so platforms hear back.',
    );
  }
  return passed(name, `on for ${callers}, at /api/v1/erasures on ${where}; callbacks signed`);
}
