export interface WidgetOptions {
  /** The customer's Switchboard token (role `customer`), minted by the host; or leave it out and give `key`. */
  token?: string;
  /** The tenant's public widget key: anonymous visitor sessions from an allowed site (no backend needed). */
  key?: string;
  /** With `key`, identity verification: the host's user id and HMAC-SHA256(identitySecret, userId) in hex. */
  userId?: string;
  userHash?: string;
  /** Switchboard's origin; defaults to where the script was loaded from. */
  server?: string;
  /** Gives a fresh token when the current one expires. */
  refreshToken?: () => Promise<string>;
  title?: string;
  /** Shown before the first message. */
  greeting?: string;
  /** Subject of a conversation the widget opens. */
  subject?: string;
  /** Start with the panel open. */
  open?: boolean;
  /** Always open a new conversation instead of resuming the last open one. */
  newConversation?: boolean;
  /** Where to put the widget; defaults to the end of <body>. */
  container?: HTMLElement;
  /** A short tone on new agent messages while the page is hidden; off by default. */
  sound?: boolean;
  /** How often the header asks for availability and the assigned agent; default 20 s. */
  statusPollMs?: number;
  /** Language of every string (`en`, `ar`); defaults to the browser's. */
  lang?: string;
  /** Set by `start` for visitor sessions: the tenant's widget options and the contact's pre-chat answers. */
  visitor?: VisitorInfo;
}

export interface VisitorInfo {
  prechat: { name: boolean; email: boolean };
  senderLabel: 'agent' | 'tenant';
  displayName: string | null;
  contact: { name: string | null; email: string | null };
  /** A new session with the pre-chat answers stored on the contact; returns its token. */
  answer(answers: { name?: string; email?: string }): Promise<string>;
}

/**
 * Options from the script tag itself, so embedding takes one line:
 * `<script src=".../widget/switchboard-widget.js" data-key="wk_…" async></script>`
 * (anonymous visitors) or `data-token="…"` (a token the host minted).
 */
export function optionsFromScript(script: HTMLScriptElement | null): WidgetOptions | null {
  const d = script?.dataset;
  if (!script || !d || !(d.token || d.key)) return null;
  return {
    ...(d.token ? { token: d.token } : {}),
    ...(d.key ? { key: d.key } : {}),
    ...(d.userId && d.userHash ? { userId: d.userId, userHash: d.userHash } : {}),
    server: d.server ?? new URL(script.src, location.href).origin,
    ...(d.title ? { title: d.title } : {}),
    ...(d.greeting ? { greeting: d.greeting } : {}),
    ...(d.subject ? { subject: d.subject } : {}),
    ...(d.lang ? { lang: d.lang } : {}),
    open: d.open === 'true',
    sound: d.sound === 'true',
    newConversation: d.newConversation === 'true',
  };
}
