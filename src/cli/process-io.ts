import dotenv from 'dotenv';

// A local .env fills in what the environment leaves unset; quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });

/** What a command line talks to when run as a process: the environment (with .env), stdout and stderr. */
export const processIo = { env: process.env, stdout: process.stdout, stderr: process.stderr };
