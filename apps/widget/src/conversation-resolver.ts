import type { Conversation, HttpApi, TokenClaims } from '@switchboard/client';

/**
 * The conversation a visitor continues: the one this browser last used if it
 * is still open, else their most recent open one; null when there is none
 * (a new one is opened with the first message, so visitors who never write
 * leave no empty conversations in the agents' inbox).
 */
export async function findOpenConversation(api: HttpApi, claims: TokenClaims): Promise<Conversation | null> {
  const remembered = readRemembered(claims);
  const { conversations } = await api.listConversations({ limit: 20 });
  const open = conversations.filter((c) => c.status !== 'RESOLVED');
  return open.find((c) => c.id === remembered) ?? open[0] ?? null;
}

export async function openConversation(api: HttpApi, claims: TokenClaims, subject: string): Promise<Conversation> {
  const conversation = await api.createConversation({ subject, channelType: 'web' });
  remember(claims, conversation.id);
  return conversation;
}

export function remember(claims: TokenClaims, conversationId: string): void {
  try {
    localStorage.setItem(key(claims), conversationId);
  } catch {
    // Storage can be off (privacy modes); resuming then falls back to the most recent open conversation.
  }
}

function readRemembered(claims: TokenClaims): string | null {
  try {
    return localStorage.getItem(key(claims));
  } catch {
    return null;
  }
}

const key = (claims: TokenClaims) => `switchboard.widget.${claims.accountId}.${claims.sub}`;
