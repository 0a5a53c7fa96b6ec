import type { ServerTarget } from './server-target';
import { cleanEnv, startServerProcess } from './start-server-process';

/** Seed 000's Socket.IO server, as the seed writes it (bench/baselines/naive-socketio.ts). */
export const naiveTarget: ServerTarget = {
  name: 'naive-000',
  description: "seed 000's Socket.IO server: JWT from handshake.auth, ws:{workspaceId} room, default options",
  protocol: 'socket.io',
  // Seed 000 reads the tenant from `workspaceId`.
  chat: { conversations: 'local', joinPayload: 'id' },
  extraClaims: (tenantId) => ({ workspaceId: tenantId }),
  unavailableReason: () => null,
  start: (ctx) =>
    startServerProcess(
      {
        name: 'naive-000',
        script: 'bench/baselines/naive-socketio.ts',
        env: cleanEnv({ JWT_SECRET: ctx.jwtSecret, INTERNAL_API_KEY: ctx.internalApiKey }),
        healthPath: '/healthz',
        readyTimeoutMs: 20000,
        trigger: (baseUrl, tenantId, event) => ({
          url: `${baseUrl}/emit`,
          headers: { 'x-internal-api-key': ctx.internalApiKey },
          envelope: { workspaceId: tenantId, event },
        }),
      },
      ctx,
    ),
};
