import { z } from 'zod';

/** How lp-delete signs in to LivePerson: exactly one of these, chosen by which variables are set. */
const livePersonAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('oauth2'), clientId: z.string(), clientSecret: z.string() }),
  z.object({
    kind: z.literal('oauth1'),
    appKey: z.string(),
    appSecret: z.string(),
    accessToken: z.string(),
    accessTokenSecret: z.string(),
  }),
  z.object({ kind: z.literal('bearer'), token: z.string() }),
]);

export type LivePersonAuth = z.infer<typeof livePersonAuthSchema>;
type Kind = LivePersonAuth['kind'];

/** The variable behind each field of each credential set, in the order problems name them. */
const CREDENTIAL_SETS = {
  oauth2: { clientId: 'LP_CLIENT_ID', clientSecret: 'LP_CLIENT_SECRET' },
  oauth1: {
    appKey: 'LP_APP_KEY',
    appSecret: 'LP_APP_SECRET',
    accessToken: 'LP_ACCESS_TOKEN',
    accessTokenSecret: 'LP_ACCESS_TOKEN_SECRET',
  },
  bearer: { token: 'LP_BEARER_TOKEN' },
} as const satisfies {
  [K in Kind]: Record<Exclude<keyof Extract<LivePersonAuth, { kind: K }>, 'kind'>, string>;
};

const KINDS = Object.keys(CREDENTIAL_SETS) as Kind[];
const variables = (kind: Kind): string[] => Object.values(CREDENTIAL_SETS[kind]);

/** Every credential variable, for the list of known settings (config/known-settings.ts). */
export const CREDENTIAL_VARIABLES: readonly string[] = KINDS.flatMap(variables);

/**
 * The one complete credential set in the environment, or the problems that keep it from being chosen:
 * a set half filled in, more than one complete set, or none at all.
 */
export function resolveCredentials(env: Record<string, string | undefined>): {
  auth?: LivePersonAuth;
  problems: string[];
} {
  const value = (name: string) => env[name]?.trim() || undefined;
  const problems: string[] = [];
  const complete: Kind[] = [];
  for (const kind of KINDS) {
    const names = variables(kind);
    const set = names.filter((n) => value(n) !== undefined);
    if (set.length === names.length) complete.push(kind);
    else if (set.length > 0) {
      const missing = names.filter((n) => !set.includes(n));
      problems.push(
        `${set.join(', ')} set but ${missing.join(', ')} missing: a credential set must be complete`,
      );
    }
  }
  const [kind, ...others] = complete;
  if (others.length > 0) {
    problems.push(
      `more than one LivePerson credential set is configured (${complete
        .map((k) => variables(k).join(' + '))
        .join('; ')}): keep exactly one`,
    );
    return { problems };
  }
  if (kind === undefined) {
    // A half-filled set already says what is missing.
    if (problems.length === 0) {
      problems.push(
        'no LivePerson credentials: set LP_CLIENT_ID + LP_CLIENT_SECRET (OAuth 2.0, preferred), or ' +
          'LP_APP_KEY + LP_APP_SECRET + LP_ACCESS_TOKEN + LP_ACCESS_TOKEN_SECRET (OAuth 1.0a), or LP_BEARER_TOKEN',
      );
    }
    return { problems };
  }
  const fields = Object.entries(CREDENTIAL_SETS[kind]).map(([field, name]) => [field, value(name)]);
  return { auth: livePersonAuthSchema.parse({ kind, ...Object.fromEntries(fields) }), problems };
}
