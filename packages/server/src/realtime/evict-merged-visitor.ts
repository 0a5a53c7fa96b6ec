import { defaultServer as S, Dialect, ERROR_REASONS, type ErrorPayload, NAMESPACES } from '@switchboard/protocol';

import type { DomainEvent } from '../domain/domain-event';
import type { AppIo, AppNamespace, AppSocket } from '../transport/socket-types';
import type { WidgetNamespaces } from '../transport/widget-namespaces';
import { roomName, type RoomRef } from './delivery';

/** What a merged visitor's sockets are told before they are disconnected. */
export const VISITOR_MERGED_ERROR: ErrorPayload = {
  code: 'AUTH_TOKEN_INVALID',
  message: 'This visitor was identified as a known customer; start a new session and reconnect with its token',
  details: { reason: ERROR_REASONS.visitorMerged },
};

/** The visitor whose sockets a fact retires: a conversation moved away from its contact (not a renamed contact). */
export function mergedVisitorOf(e: DomainEvent): { accountId: string; visitorId: string } | null {
  if (e.type !== 'conversation.contact_changed') return null;
  const { previousContactId, conversation } = e;
  if (!previousContactId || previousContactId === conversation.contactId) return null;
  return { accountId: e.accountId, visitorId: previousContactId };
}

/**
 * Disconnects, on this node, every socket of a widget visitor who was merged into a known customer
 * (docs/decisions.md, "A merged visitor's sockets are disconnected"). Their token still names the
 * visitor, who now owns nothing, while the rooms they joined belong to the customer: left alone they
 * would keep hearing the customer's conversation under an identity that may no longer read it. Each gets
 * {@link VISITOR_MERGED_ERROR} and is disconnected, in every vocabulary of `/`, each named namespace and
 * each widget namespace. Every node runs it for the facts it emits, so sockets on other nodes go too.
 * Answers how many sockets it disconnected.
 */
export function evictMergedVisitor(io: AppIo, widgets: Pick<WidgetNamespaces, 'holding'>, accountId: string, visitorId: string): number {
  const user: RoomRef = { kind: 'user', id: visitorId };
  const targets: Array<[AppNamespace, string]> = [];
  for (const dialect of Dialect.options) {
    const room = roomName(accountId, user, { ns: '/', dialect });
    targets.push([io.of('/'), room]);
    if (dialect === 'widget') for (const nsp of widgets.holding([room])) targets.push([nsp, room]);
  }
  for (const ns of Object.values(NAMESPACES)) {
    // io.of would create a named namespace this server never opened.
    if (ns === '/' || !io._nsps.has(ns)) continue;
    targets.push([io.of(ns), roomName(accountId, user, { ns })]);
  }
  const sockets = new Set<AppSocket>();
  for (const [nsp, room] of targets) {
    for (const id of nsp.adapter.rooms.get(room) ?? []) {
      const socket = nsp.sockets.get(id);
      // The room is the visitor's own, within the tenant; checked again so a stray join can never end someone else.
      if (socket && socket.data.accountId === accountId && socket.data.userId === visitorId) sockets.add(socket);
    }
  }
  for (const socket of sockets) {
    socket.emit(S.error.name, VISITOR_MERGED_ERROR);
    socket.disconnect();
  }
  return sockets.size;
}
