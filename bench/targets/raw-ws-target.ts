import type { ServerTarget } from './server-target';
import { cleanEnv, startServerProcess } from './start-server-process';

/** The ceiling: bare ws, one pre-encoded frame written to every client (bench/baselines/raw-ws.ts). */
export const rawWsTarget: ServerTarget = {
  name: 'raw-ws',
  description: 'bare ws + bufferutil, token in the URL, one pre-encoded frame per broadcast',
  protocol: 'ws',
  chat: null,
  extraClaims: () => ({}),
  unavailableReason: () => null,
  start: (ctx) =>
    startServerProcess(
      {
        name: 'raw-ws',
        script: 'bench/baselines/raw-ws.ts',
        env: cleanEnv({ JWT_SECRET: ctx.jwtSecret, INTERNAL_API_KEY: ctx.internalApiKey }),
        healthPath: '/healthz',
        readyTimeoutMs: 20000,
        trigger: (baseUrl, _tenantId, event) => ({
          url: `${baseUrl}/broadcast`,
          headers: { 'x-internal-api-key': ctx.internalApiKey },
          envelope: { event },
        }),
      },
      ctx,
    ),
};
