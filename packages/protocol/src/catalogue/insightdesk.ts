import type { EventDef } from './define';

/** Seed 001's namespaces (/tickets, /chat, /notifications, /presence, /dashboard). */
export const insightdesk: Record<string, Record<string, EventDef>> = {};
