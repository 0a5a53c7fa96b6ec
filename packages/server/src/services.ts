import type { TokenVerifier } from './auth/token-verifier';
import type { RateLimiter } from './cluster/rate-limiter';
import type { Config } from './config';
import type { ConversationService } from './domain/conversation-service';
import type { MessageService } from './domain/message-service';
import type { PresenceService } from './domain/presence-service';
import type { ReplayService } from './domain/replay-service';
import type { TypingService } from './domain/typing-service';
import type { UserDirectory } from './domain/user-directory';
import type { Logger } from './log';
import type { Metrics } from './ops/metrics';
import type { Broadcaster } from './realtime/broadcaster';
import type { BroadcastService } from './domain/broadcast-service';
import type { Db } from './storage/db';

/** Everything the transport layer may call, built once by buildServer. */
export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  metrics: Metrics;
  verify: TokenVerifier;
  rateLimiter: RateLimiter;
  broadcaster: Broadcaster;
  users: UserDirectory;
  conversations: ConversationService;
  messages: MessageService;
  presence: PresenceService;
  typing: TypingService;
  replay: ReplayService;
  broadcast: BroadcastService;
}
