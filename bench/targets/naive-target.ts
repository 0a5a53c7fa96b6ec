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
  spread: (processes) => ({ NAIVE_WORKERS: String(processes) }),
  start: (ctx) =>
    startServerProcess(
      {
        name: 'naive-000',
        // Several processes (idle-many beyond one process's open files): a cluster of the same server.
        script: Number(ctx.env?.NAIVE_WORKERS ?? 1) > 1 ? 'bench/baselines/naive-socketio-cluster.ts' : 'bench/baselines/naive-socketio.ts',
        env: cleanEnv({ JWT_SECRET: ctx.jwtSecret, INTERNAL_API_KEY: ctx.internalApiKey, ...ctx.env }),
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
