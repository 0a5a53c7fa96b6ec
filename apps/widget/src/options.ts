export interface WidgetOptions {
  /** The customer's Switchboard token (role `customer`). */
  token: string;
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
}

/**
 * Options from the script tag itself, so embedding takes one line:
 * `<script src=".../widget/switchboard-widget.js" data-token="…" async></script>`.
 */
export function optionsFromScript(script: HTMLScriptElement | null): WidgetOptions | null {
  const token = script?.dataset.token;
  if (!script || !token) return null;
  const d = script.dataset;
  return {
    token,
    server: d.server ?? new URL(script.src, location.href).origin,
    ...(d.title ? { title: d.title } : {}),
    ...(d.greeting ? { greeting: d.greeting } : {}),
    ...(d.subject ? { subject: d.subject } : {}),
    open: d.open === 'true',
    newConversation: d.newConversation === 'true',
  };
}
