import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./app-process.ts', import.meta.url));

/** The app as a child process (see app-process.ts): started, killed and restarted like a real deployment. */
export class ChildApp {
  readonly lines: string[] = [];
  url = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(env: Record<string, string>): Promise<ChildApp> {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: { ...process.env, ...env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new ChildApp(child);
    let buffered = '';
    const started = new Promise<number>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          app.lines.push(line);
          if (line.includes('"event":"app_started"')) resolve((JSON.parse(line) as { port: number }).port);
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => app.lines.push(chunk.toString()));
      void app.exited.then(() => reject(new Error(`app exited before starting:\n${app.lines.join('\n')}`)));
    });
    app.url = `http://127.0.0.1:${await started}`;
    return app;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}
