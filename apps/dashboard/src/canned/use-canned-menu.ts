import { type CannedResponse, fillPlaceholders, type PlaceholderContext, StaffApi } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, type RefObject, useState } from 'react';

import { replaceSlashQuery, slashQuery } from './slash-query';

/** The tenant's canned replies, read by this menu and kept by the admins' page (CannedResponsesPage). */
export const CANNED_KEY = ['canned-responses'];

export interface CannedMenuView {
  open: boolean;
  items: CannedResponse[];
  active: number;
  /** Call from the textarea's onKeyDown first: true when the menu used the key. */
  onKeyDown: (e: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  /** Call after every change of text or caret. */
  track: (el: HTMLTextAreaElement) => void;
  pick: (index: number) => void;
  close: () => void;
}

/**
 * Canned responses in the composer (issue 16): typing `/` lists the tenant's responses whose
 * shortcut (or title) starts with what follows; ↑/↓ move, Enter or Tab inserts the response with
 * its placeholders filled (fillPlaceholders), Escape closes. Only for staff (customers cannot list them).
 */
export function useCannedMenu(opts: {
  enabled: boolean;
  text: string;
  setText: (text: string) => void;
  input: RefObject<HTMLTextAreaElement | null>;
  context: PlaceholderContext;
}): CannedMenuView {
  const client = useSwitchboardClient();
  const { data, refetch } = useQuery({
    queryKey: CANNED_KEY,
    queryFn: async () => (await new StaffApi(client!.api).listCannedResponses()).cannedResponses,
    enabled: client !== null && opts.enabled,
    staleTime: 60_000,
  });
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);

  const query = opts.enabled ? slashQuery(opts.text, caret) : null;
  const q = query?.query.toLowerCase() ?? '';
  const items = query
    ? (data ?? []).filter((c) => c.shortcut.toLowerCase().startsWith(q) || (c.title ?? '').toLowerCase().startsWith(q)).slice(0, 8)
    : [];
  const open = items.length > 0 && query !== null && dismissedAt !== query.start;
  const current = Math.min(active, Math.max(0, items.length - 1));

  const pick = (index: number) => {
    const item = items[index];
    if (!item || !query) return;
    const filled = fillPlaceholders(item.content, opts.context).text;
    const next = replaceSlashQuery(opts.text, caret, query.start, filled);
    opts.setText(next.text);
    setCaret(next.caret);
    setActive(0);
    // Put the caret after the inserted text once React has rendered it.
    requestAnimationFrame(() => {
      const el = opts.input.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };

  return {
    open,
    items,
    active: current,
    pick,
    close: () => setDismissedAt(query?.start ?? null),
    track: (el) => {
      const at = el.selectionStart ?? el.value.length;
      // A `/` just typed: fetch the list again, so a response an admin added a minute ago is there.
      if (opts.enabled && !query && slashQuery(el.value, at)) void refetch();
      setCaret(at);
      if (dismissedAt !== null && slashQuery(el.value, el.selectionStart ?? 0)?.start !== dismissedAt) setDismissedAt(null);
    },
    onKeyDown: (e) => {
      if (!open) return false;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((current + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
        return true;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(current);
        return true;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissedAt(query?.start ?? null);
        return true;
      }
      return false;
    },
  };
}
