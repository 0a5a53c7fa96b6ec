import type { FeedMessage } from '@switchboard/client';

import { fill, type Language } from './messages';
import { WIDGET_CSS } from './styles';

/** A few emoji, enough for a chat (issue 16); a full picker would cost more than the rest of the widget. */
const EMOJI = ['😀', '😂', '😍', '🙏', '👍', '👎', '🎉', '❤️', '😢', '😡'];

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/></svg>';

export interface ViewHandlers {
  onToggle(open: boolean): void;
  onSend(text: string): void;
  /** The composer's text after each edit. */
  onInput(text: string): void;
  onRetry(clientMessageId: string): void;
  /** A file the visitor chose to send (issue 16). */
  onAttach(file: File): void;
  /** An attachment in a message was clicked: fetch and save it. */
  onOpenAttachment(id: string, name: string): void;
  /** The pre-chat form's answers (only the fields it asked for). */
  onPrechat(answers: { name?: string; email?: string }): void;
}

/** What the header says about the conversation, for the customer (issue 17). */
export type ConversationState = { kind: 'resolved' } | { kind: 'handedOff' } | { kind: 'assigned'; name: string } | null;

export interface StreamingReply {
  replyId: string;
  text: string;
}

/**
 * The widget's DOM, in an open shadow root: a launcher and a chat panel.
 * Rendering is keyed, so a message that changes (a tick, a reconciled send)
 * updates its own node and the list does not flicker or lose its scroll.
 */
export class WidgetView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly panel: HTMLElement;
  private readonly launcher: HTMLButtonElement;
  private readonly unreadBadge: HTMLElement;
  private readonly offline: HTMLElement;
  private readonly statusDot: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly greeting: HTMLElement;
  private readonly typing: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly nodes = new Map<string, HTMLLIElement>();
  private readonly subtitle: HTMLElement;
  private readonly state: HTMLElement;
  private readonly prechat: HTMLFormElement;
  private readonly composer: HTMLFormElement;
  private readonly t: Language['t'];

  constructor(
    container: HTMLElement,
    opts: { title?: string; greeting?: string; language: Language },
    private readonly handlers: ViewHandlers,
  ) {
    const t = (this.t = opts.language.t);
    const title = opts.title ?? t.title;
    this.host = document.createElement('div');
    this.host.id = 'switchboard-widget';
    this.root = this.host.attachShadow({ mode: 'open' });
    this.root.innerHTML = `
      <style>${WIDGET_CSS}</style>
      <div class="sb-root" lang="${opts.language.lang}" dir="${opts.language.dir}">
        <section class="sb-panel" role="dialog" aria-label="${escapeHtml(title)}" hidden data-testid="widget-panel">
          <header class="sb-head">
            <span class="sb-status" aria-hidden="true"></span>
            <div class="sb-head-text"><strong>${escapeHtml(title)}</strong><span data-testid="widget-subtitle"></span></div>
            <button type="button" class="sb-close" aria-label="${t.minimize}">–</button>
          </header>
          <div class="sb-offline" role="status" hidden data-testid="offline-banner">${t.reconnecting}</div>
          <div class="sb-state" role="status" hidden data-testid="widget-state"></div>
          <ol class="sb-messages" aria-live="polite" data-testid="widget-messages">
            <li class="sb-greeting">${escapeHtml(opts.greeting ?? t.greeting)}</li>
          </ol>
          <div class="sb-typing" aria-live="polite" data-testid="widget-typing"></div>
          <div class="sb-error" role="alert" hidden></div>
          <form class="sb-prechat" hidden data-testid="widget-prechat">
            <p></p>
            <input name="name" autocomplete="name" placeholder="${t.name}" aria-label="${t.name}" data-testid="prechat-name">
            <input name="email" type="email" autocomplete="email" placeholder="${t.email}" aria-label="${t.email}" data-testid="prechat-email">
            <button type="submit" class="sb-send" data-testid="prechat-start">${t.start}</button>
          </form>
          <div class="sb-emoji" hidden>${EMOJI.map((e) => `<button type="button">${e}</button>`).join('')}</div>
          <form class="sb-composer">
            <button type="button" class="sb-icon" aria-label="${t.emoji}" aria-expanded="false" data-testid="widget-emoji">☺</button>
            <button type="button" class="sb-icon" aria-label="${t.attach}" data-testid="widget-attach">📎</button>
            <input type="file" hidden multiple>
            <textarea class="sb-input" rows="1" aria-label="${t.placeholder}" placeholder="${t.placeholder}" data-testid="widget-input"></textarea>
            <button type="submit" class="sb-send" data-testid="widget-send">${t.send}</button>
          </form>
        </section>
        <button type="button" class="sb-launcher" aria-label="${t.open}" aria-expanded="false" data-testid="widget-launcher">${CHAT_ICON}<span class="sb-unread" hidden></span></button>
      </div>`;
    const $ = <T extends Element>(sel: string) => this.root.querySelector(sel) as T;
    this.panel = $('.sb-panel');
    this.launcher = $('.sb-launcher');
    this.unreadBadge = $('.sb-unread');
    this.offline = $('.sb-offline');
    this.statusDot = $('.sb-status');
    this.list = $('.sb-messages');
    this.greeting = $('.sb-greeting');
    this.typing = $('.sb-typing');
    this.input = $('.sb-input');
    this.sendButton = $('.sb-send');
    this.error = $('.sb-error');
    this.subtitle = $('[data-testid=widget-subtitle]');
    this.state = $('.sb-state');
    this.prechat = $('.sb-prechat');
    this.composer = $('.sb-composer');
    this.prechat.addEventListener('submit', (e) => {
      e.preventDefault();
      const answers: { name?: string; email?: string } = {};
      for (const field of ['name', 'email'] as const) {
        const input = this.prechat.elements.namedItem(field) as HTMLInputElement;
        if (!input.hidden && input.value.trim()) answers[field] = input.value.trim();
      }
      this.handlers.onPrechat(answers);
    });

    this.launcher.addEventListener('click', () => this.handlers.onToggle(this.panel.hidden));
    $<HTMLButtonElement>('.sb-close').addEventListener('click', () => this.handlers.onToggle(false));
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => this.handlers.onInput(this.input.value));
    this.list.addEventListener('click', (e) => {
      const target = e.target as HTMLElement;
      const retry = target.closest<HTMLElement>('[data-retry]');
      if (retry?.dataset.retry) this.handlers.onRetry(retry.dataset.retry);
      const file = target.closest<HTMLElement>('[data-att]');
      if (file?.dataset.att) this.handlers.onOpenAttachment(file.dataset.att, file.dataset.name ?? 'file');
    });
    const emoji = $<HTMLButtonElement>('[data-testid=widget-emoji]');
    const picker = $<HTMLElement>('.sb-emoji');
    const showPicker = (show: boolean) => {
      picker.hidden = !show;
      emoji.setAttribute('aria-expanded', String(show));
    };
    emoji.addEventListener('click', () => showPicker(picker.hidden));
    picker.addEventListener('click', (e) => {
      const chosen = (e.target as HTMLElement).closest('button')?.textContent;
      if (!chosen) return;
      this.input.setRangeText(chosen, this.input.selectionStart, this.input.selectionEnd, 'end');
      showPicker(false);
      this.input.focus();
      this.handlers.onInput(this.input.value);
    });
    const fileInput = $<HTMLInputElement>('.sb-composer input');
    $<HTMLButtonElement>('[data-testid=widget-attach]').addEventListener('click', () => fileInput.click());
    // The server's allowlist decides what may be sent; a refused file shows its reason.
    fileInput.addEventListener('change', () => {
      for (const f of fileInput.files ?? []) this.handlers.onAttach(f);
      fileInput.value = '';
    });
    container.appendChild(this.host);
    // On phones the on-screen keyboard shrinks the visual viewport; the full-screen panel follows it (styles.ts).
    const vv = window.visualViewport;
    if (vv) {
      const fit = () => this.host.style.setProperty('--sb-vh', `${vv.height}px`);
      vv.addEventListener('resize', fit);
      fit();
    }
  }

  setOpen(open: boolean): void {
    this.panel.hidden = !open;
    // Below 480 px the open panel fills the screen and the launcher hides (styles.ts).
    this.panel.parentElement?.classList.toggle('open', open);
    this.launcher.setAttribute('aria-expanded', String(open));
    this.launcher.setAttribute('aria-label', open ? this.t.close : this.t.open);
    if (open) {
      this.scrollToEnd();
      this.input.focus();
    }
  }

  setUnread(count: number): void {
    this.unreadBadge.hidden = count === 0;
    this.unreadBadge.textContent = String(count);
  }

  /** The offline banner: shown while disconnected, hidden once connected again. */
  setOffline(offline: boolean): void {
    this.offline.hidden = !offline;
    this.statusDot.classList.toggle('off', offline);
  }

  /** Availability: whether anyone who answers is online. */
  setOnline(online: boolean): void {
    this.subtitle.textContent = online ? this.t.online : this.t.offline;
    this.subtitle.dataset.online = String(online);
  }

  setState(state: ConversationState): void {
    this.state.hidden = !state;
    this.state.dataset.state = state?.kind ?? '';
    if (!state) return;
    const text = state.kind === 'assigned' ? fill(this.t.assigned, state.name) : this.t[state.kind];
    const avatar = state.kind === 'assigned' ? `<span class="sb-avatar" aria-hidden="true">${escapeHtml(initials(state.name))}</span>` : '';
    this.state.innerHTML = `${avatar}<span>${escapeHtml(text)}</span>`;
  }

  /** The pre-chat form replaces the composer until it is answered; null hides it. */
  setPrechat(fields: { name: boolean; email: boolean } | null, offline = false): void {
    this.prechat.hidden = !fields;
    this.composer.hidden = !!fields;
    if (!fields) return;
    (this.prechat.firstElementChild as HTMLElement).textContent = offline ? this.t.prechatEmail : this.t.prechat;
    for (const field of ['name', 'email'] as const) {
      const input = this.prechat.elements.namedItem(field) as HTMLInputElement;
      input.hidden = !fields[field];
      // An email asked for only because nobody is online may be skipped.
      input.required = fields[field] && !(offline && field === 'email');
    }
  }

  setTyping(text: string): void {
    this.typing.textContent = text;
  }

  setError(text: string | null): void {
    this.error.hidden = !text;
    this.error.textContent = text ?? '';
  }

  setBusy(busy: boolean): void {
    this.sendButton.disabled = busy;
  }

  render(messages: readonly FeedMessage[], streaming: readonly StreamingReply[], authorOf: (m: FeedMessage) => string | null): void {
    const atEnd = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
    const seen = new Set<string>();
    this.greeting.hidden = messages.length > 0 || streaming.length > 0;
    let position = 1; // after the greeting
    for (const m of messages) {
      const key = m.clientMessageId ?? m.id;
      seen.add(key);
      this.upsert(position++, key, messageHtml(m, authorOf(m), this.t), m.role === 'USER' ? 'mine' : 'theirs', m.id);
    }
    for (const s of streaming) {
      const key = `stream:${s.replyId}`;
      seen.add(key);
      this.upsert(
        position++,
        key,
        `<div class="sb-bubble sb-streaming"><span class="sb-author">${escapeHtml(this.t.assistant)}</span><p class="sb-text">${escapeHtml(s.text)}</p></div>`,
        'theirs',
        key,
      );
    }
    for (const [key, node] of this.nodes) {
      if (!seen.has(key)) {
        node.remove();
        this.nodes.delete(key);
      }
    }
    if (atEnd || messages[messages.length - 1]?.role === 'USER') this.scrollToEnd();
  }

  private upsert(position: number, key: string, html: string, side: string, id: string): void {
    let node = this.nodes.get(key);
    if (!node) {
      node = document.createElement('li');
      node.className = `sb-row ${side}`;
      node.dataset.testid = 'widget-message';
      this.nodes.set(key, node);
    }
    node.dataset.id = id;
    if (node.innerHTML !== html) node.innerHTML = html;
    // The feed's order is the list's order; nodes move only when they are out of place.
    const at = this.list.children[position] ?? null;
    if (at !== node) this.list.insertBefore(node, at);
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = '';
    this.handlers.onSend(text);
  }

  private scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }
}

function messageHtml(m: FeedMessage, author: string | null, t: Language['t']): string {
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const authorLine = m.role !== 'USER' && author ? `<span class="sb-author">${escapeHtml(author)}</span>` : '';
  const files = (m.attachments ?? [])
    .map(
      (a) => `<button type="button" class="sb-file" data-att="${a.id}" data-name="${escapeHtml(a.name)}">📎 ${escapeHtml(a.name)}</button>`,
    )
    .join('');
  return `<div class="sb-bubble">${authorLine}<p class="sb-text">${escapeHtml(m.content)}</p>${files}<span class="sb-meta"><time>${time}</time>${m.role === 'USER' ? ticks(m, t) : ''}</span></div>`;
}

/** ✓ sent, ✓✓ delivered, ✓✓ blue read; a clock while queued, ! (click to retry) when it failed. */
function ticks(m: FeedMessage, t: Language['t']): string {
  if (m.pending === 'failed' && m.clientMessageId) {
    return `<span class="sb-ticks failed" role="button" tabindex="0" title="${t.failed}" data-retry="${escapeHtml(m.clientMessageId)}" data-status="failed">!</span>`;
  }
  if (m.pending) return `<span class="sb-ticks" title="${t.sending}" data-testid="widget-ticks" data-status="pending">◷</span>`;
  const label = t[m.status];
  return `<span class="sb-ticks ${m.status}" title="${label}" aria-label="${label}" data-testid="widget-ticks" data-status="${m.status}">${m.status === 'sent' ? '✓' : '✓✓'}</span>`;
}

/** Up to two initials for the agent's avatar: "Alex Agent" -> "AA". */
export function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase())
      .join('') || '?'
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
