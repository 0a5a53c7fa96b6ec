import { ChatWidget } from './chat-widget';
import { optionsFromScript, type WidgetOptions } from './options';

export type { WidgetOptions };

/**
 * Puts the chat widget on the page and starts it.
 *
 * @example
 * SwitchboardWidget.mount({ token: customerJwt, server: 'https://switchboard.example.com' });
 */
export function mount(options: WidgetOptions): ChatWidget {
  const widget = new ChatWidget(options);
  void widget.start();
  return widget;
}

// One script tag is enough: `<script src=".../switchboard-widget.js" data-token="…" async>` boots itself.
const fromTag = optionsFromScript(document.currentScript as HTMLScriptElement | null);
if (fromTag) {
  const boot = () => mount(fromTag);
  if (document.body) boot();
  else document.addEventListener('DOMContentLoaded', boot, { once: true });
}
