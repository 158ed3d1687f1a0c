import { z } from 'zod';
import {
  blankToUndefined,
  boolish,
  mayBeAbsent,
  optionalSecureUrl,
  positiveInt,
  secureUrl,
  timeZone,
} from './fields.js';

/**
 * The LivePerson and store settings, keyed by variable so problems name what to set, shaped into the
 * config by the transform (whose result is the type: see config.ts).
 */
export const coreSchema = z
  .object({
    LP_ACCOUNT_ID: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'is required: your LivePerson account (site) id' })
        .trim()
        .regex(/^(le)?\d+$/i, {
          error: 'must be a LivePerson account id: digits, optionally prefixed with "le"',
        })
        .transform((v) => v.replace(/^le/i, '')),
    ),
    LP_DOMAIN_API_URL: z.preprocess(blankToUndefined, secureUrl.default('https://api.liveperson.net')),
    LP_RTBF_URL: optionalSecureUrl,
    LP_SENTINEL_URL: optionalSecureUrl,
    LP_TIMEOUT_MS: positiveInt(15_000),
    LP_MONTHLY_LIMIT: positiveInt(100),
    LP_LEGACY_TICKETING: boolish,
    LP_CHAT_HISTORY: boolish,
    QUOTA_TIMEZONE: timeZone,
    DATA_DIR: z.preprocess(blankToUndefined, z.string().optional()),
    DATABASE_URL: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL such as postgres://user@host:5432/lpdelete')
        .optional(),
    ),
    REPLICA_LEASE_SECONDS: positiveInt(30),
    /** lp-delete 0.1's data file: no longer read; start-up and the doctor say so (dataFileIgnoredLine). */
    DATA_FILE: z.preprocess(blankToUndefined, z.string().optional()),
  })
  .transform((raw) => ({
    liveperson: {
      accountId: raw.LP_ACCOUNT_ID,
      domainApiUrl: raw.LP_DOMAIN_API_URL,
      ...mayBeAbsent({ rtbfUrl: raw.LP_RTBF_URL, sentinelUrl: raw.LP_SENTINEL_URL }),
      timeoutMs: raw.LP_TIMEOUT_MS,
      legacyTicketing: raw.LP_LEGACY_TICKETING,
      /** Also search chat engagements (Engagement History) when erasing a person. */
      ...mayBeAbsent({ chatHistory: raw.LP_CHAT_HISTORY }),
    },
    monthlyLimit: raw.LP_MONTHLY_LIMIT,
    quotaTimeZone: raw.QUOTA_TIMEZONE,
    dataDir: raw.DATA_DIR ?? './data',
    /** DATA_FILE is still set: said once, and the data folder is used. */
    ...(raw.DATA_FILE ? { dataFileIgnored: true as const } : {}),
    /** When set, everything is kept in PostgreSQL (several replicas may run); the data folder is not used. */
    ...(raw.DATABASE_URL ? { databaseUrl: raw.DATABASE_URL } : {}),
    replicaLeaseSeconds: raw.REPLICA_LEASE_SECONDS,
  }));
