import { z } from 'zod';
import { blankToUndefined } from './fields.js';

/**
 * The intake API's settings (issue 21). Without INTAKE_TOKENS the API is off (it answers 404).
 * INTAKE_TOKENS: `name:token,name:token`; a name is the caller shown in Slack, a token at least 24
 * characters (the issue is silent; a guessable token would open erasure to anyone who can reach the port).
 */
const TOKEN_ENTRY = /^([A-Za-z0-9][A-Za-z0-9 ._-]{0,39}):(\S{24,})$/;

export const intakeSchema = z
  .object({
    INTAKE_TOKENS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .optional()
        .superRefine((value, ctx) => {
          if (value === undefined) return;
          const entries = value.split(',').map((e) => e.trim());
          const bad = entries.findIndex((e) => !TOKEN_ENTRY.test(e));
          if (bad >= 0) {
            ctx.addIssue({
              code: 'custom',
              message: `must be a comma-separated list of name:token (entry ${bad + 1} is not: a name of letters, digits, space . _ -, then a token of at least 24 characters)`,
            });
          }
          const names = entries.map((e) => e.split(':')[0]);
          if (new Set(names).size !== names.length)
            ctx.addIssue({ code: 'custom', message: 'names a caller twice' });
        }),
    ),
    INTAKE_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
    INTAKE_CALLBACK_SECRET: z.preprocess(
      blankToUndefined,
      z.string().min(32, 'must be at least 32 characters').optional(),
    ),
  })
  .transform((raw) => {
    if (!raw.INTAKE_TOKENS) return undefined;
    const callers = raw.INTAKE_TOKENS.split(',').map((entry) => {
      const at = entry.trim().indexOf(':');
      return { name: entry.trim().slice(0, at), token: entry.trim().slice(at + 1) };
    });
    return {
      callers,
      ...(raw.INTAKE_PORT !== undefined ? { port: raw.INTAKE_PORT } : {}),
      ...(raw.INTAKE_CALLBACK_SECRET ? { callbackSecret: raw.INTAKE_CALLBACK_SECRET } : {}),
    };
  });

export type IntakeConfig = NonNullable<z.output<typeof intakeSchema>>;
