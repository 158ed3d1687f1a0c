import type { z } from 'zod';

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(
      `lp-delete cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}.\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet these in the environment or in a .env file (see .env.example and README.md).',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parse options: every schema words its own problems; anything it leaves unworded gets this line, so
 * zod's raw wording never reaches a person.
 */
export const OUR_WORDS = {
  error: () => 'has a value lp-delete does not understand: see .env.example',
};

export function issuesToProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name} ${issue.message}`;
  });
}
