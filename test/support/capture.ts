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
