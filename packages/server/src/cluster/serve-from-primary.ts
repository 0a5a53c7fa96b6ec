import { setupWorker } from '@socket.io/sticky';
import type { Switchboard } from '../build-server';

/**
 * In a worker (`WORKERS` > 1): instead of listening, takes the connections the primary hands over
 * (@socket.io/sticky keeps each Engine.IO session on one worker, so polling clients work).
 */
export async function serveFromPrimary(server: Switchboard): Promise<void> {
  await server.app.ready();
  setupWorker(server.io);
}
