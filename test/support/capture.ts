/** A writable stand-in for stdout/stderr that keeps what a command printed. */
export function capture() {
  let text = '';
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

/** The io a CLI's main function takes (env, stdout, stderr, an optional clock), and what it printed. */
export function cliIo(env: Record<string, string>, now?: Date) {
  const stdout = capture();
  const stderr = capture();
  return {
    io: { env, stdout, stderr, now: now ? () => now : undefined },
    out: () => stdout.text,
    err: () => stderr.text,
  };
}
