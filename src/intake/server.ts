import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { RouteHandler } from './api.js';

/** The paths of the intake API (Bolt's custom routes in HTTP mode). */
export const INTAKE_PATHS = ['/api/v1/erasures', '/api/v1/erasures/:id', '/api/v1/openapi.json'];

/** In Socket Mode the app has no HTTP server of its own: the intake API gets one on INTAKE_PORT. */
export async function listenIntake(handler: RouteHandler, port: number, log: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/v1/')) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  log.info('intake_listening', { port: (server.address() as AddressInfo).port });
  return server;
}
