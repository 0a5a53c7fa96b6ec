import { ChatWidget } from './chat-widget';
import { optionsFromScript, type WidgetOptions } from './options';
import { visitorSession } from './visitor-session';

export type { WidgetOptions };

/**
 * Puts the chat widget on the page and starts it, with a token the host minted.
 *
 * @example
 * SwitchboardWidget.mount({ token: customerJwt, server: 'https://switchboard.example.com' });
 */
export function mount(options: WidgetOptions): ChatWidget {
  const widget = new ChatWidget(options);
  void widget.start();
  return widget;
}

/**
 * {@link mount} for a token or a widget key. With `key` instead of
 * `token`, it first starts a visitor session (POST /api/widget/sessions) and
 * renews it the same way; a refused session (a site not on the tenant's
 * allowlist, an unknown key) rejects and no widget is shown.
 *
 * @example
 * await SwitchboardWidget.start({ key: 'wk_…', server: 'https://switchboard.example.com' });
 */
export async function start(options: WidgetOptions): Promise<ChatWidget> {
  let opts = options;
  if (!opts.token && opts.key) {
    const server = opts.server ?? location.origin;
    const who = { key: opts.key, userId: opts.userId, userHash: opts.userHash };
    const session = await visitorSession(server, who);
    const { prechat, senderLabel, displayName } = session.options;
    const answer = async (answers: { name?: string; email?: string }) => (await visitorSession(server, who, answers)).token;
    opts = {
      ...opts,
      server,
      token: session.token,
      refreshToken: () => answer({}),
      visitor: { prechat, senderLabel, displayName, contact: session.contact, answer },
    };
  }
  return mount(opts);
}

// One script tag is enough: `<script src=".../switchboard-widget.js" data-key="wk_…" async>` boots itself.
const fromTag = optionsFromScript(document.currentScript as HTMLScriptElement | null);
if (fromTag) {
  const boot = (): void => {
    start(fromTag).catch((err: Error) => console.error(`Switchboard widget: ${err.message}`));
  };
  if (document.body) boot();
  else document.addEventListener('DOMContentLoaded', boot, { once: true });
}
