import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, cleanEnv } from './startServerProcess';
import type { ServerTarget } from './serverTarget';

const MAIN = 'packages/server/src/main.ts';

/**
 * Switchboard as `npm start` runs it (embedded PGlite, in-memory adapter), through
 * the contract only: JWT in `auth.token`, `GET /healthz`, `POST /internal/emit`.
 */
export const switchboardTarget: ServerTarget = {
  name: 'switchboard',
  description: 'packages/server/src/main.ts: embedded PGlite, in-memory adapter, LOG_LEVEL=warn',
  protocol: 'socket.io',
  extraClaims: () => ({}),
  unavailableReason: (cwd) => (existsSync(join(cwd, MAIN)) ? null : `${MAIN} does not exist yet`),
  start: async (ctx) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
    try {
      return await startServerProcess(
        {
          name: 'switchboard',
          script: MAIN,
          env: cleanEnv({
            JWT_SECRET: ctx.jwtSecret,
            INTERNAL_API_KEY: ctx.internalApiKey,
            DATA_DIR: dataDir,
            LOG_LEVEL: 'warn',
          }),
          healthPath: '/healthz',
          readyTimeoutMs: 90000,
          trigger: (baseUrl, tenantId, event) => ({
            url: `${baseUrl}/internal/emit`,
            headers: { 'x-internal-api-key': ctx.internalApiKey },
            envelope: { tenantId, event },
          }),
          cleanup: () => rm(dataDir, { recursive: true, force: true }),
        },
        ctx,
      );
    } catch (err) {
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
  },
};
