import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  tone: 'info' | 'warning' | 'success';
  title: string;
  body?: string;
  link?: { href: string; label: string };
}

/** A module-level queue of toasts: any component can raise one, one stack shows them. */
let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function publish(next: readonly Toast[]): void {
  toasts = next;
  for (const l of [...listeners]) l();
}

export function showToast(toast: Omit<Toast, 'id'>, ttlMs = 8_000): number {
  const id = nextId++;
  // Three at most: more would bury the conversation under them; the inbox keeps the rest.
  publish([...toasts, { ...toast, id }].slice(-3));
  setTimeout(() => dismissToast(id), ttlMs);
  return id;
}

export function dismissToast(id: number): void {
  if (toasts.some((t) => t.id === id)) publish(toasts.filter((t) => t.id !== id));
}

/** Toasts pointing at what the agent just opened have done their job. */
export function dismissToastsLinkingTo(href: string): void {
  if (toasts.some((t) => t.link?.href === href)) publish(toasts.filter((t) => t.link?.href !== href));
}

export function useToasts(): readonly Toast[] {
  return useSyncExternalStore(
    (notify) => {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },
    () => toasts,
  );
}
