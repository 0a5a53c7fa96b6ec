import type { FeedMessage } from '@switchboard/client';
import { WIDGET_CSS } from './styles';

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/></svg>';

export interface ViewHandlers {
  onToggle(open: boolean): void;
  onSend(text: string): void;
  /** The composer's text after each edit. */
  onInput(text: string): void;
  onRetry(clientMessageId: string): void;
}

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

  constructor(container: HTMLElement, opts: { title: string; greeting: string }, private readonly handlers: ViewHandlers) {
    this.host = document.createElement('div');
    this.host.id = 'switchboard-widget';
    this.root = this.host.attachShadow({ mode: 'open' });
    this.root.innerHTML = `
      <style>${WIDGET_CSS}</style>
      <div class="sb-root">
        <section class="sb-panel" role="dialog" aria-label="${escapeHtml(opts.title)}" hidden data-testid="widget-panel">
          <header class="sb-head">
            <span class="sb-status" aria-hidden="true"></span>
            <div class="sb-head-text"><strong>${escapeHtml(opts.title)}</strong><span>We reply in a few minutes</span></div>
            <button type="button" class="sb-close" aria-label="Minimize chat">–</button>
          </header>
          <div class="sb-offline" role="status" hidden data-testid="offline-banner">Connection lost. Reconnecting…</div>
          <ol class="sb-messages" aria-live="polite" aria-label="Messages" data-testid="widget-messages">
            <li class="sb-greeting">${escapeHtml(opts.greeting)}</li>
          </ol>
          <div class="sb-typing" aria-live="polite" data-testid="widget-typing"></div>
          <div class="sb-error" role="alert" hidden></div>
          <form class="sb-composer">
            <textarea class="sb-input" rows="1" aria-label="Your message" placeholder="Write a message…" data-testid="widget-input"></textarea>
            <button type="submit" class="sb-send" data-testid="widget-send">Send</button>
          </form>
        </section>
        <button type="button" class="sb-launcher" aria-label="Open chat" aria-expanded="false" data-testid="widget-launcher">${CHAT_ICON}<span class="sb-unread" hidden></span></button>
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

    this.launcher.addEventListener('click', () => this.handlers.onToggle(this.panel.hidden));
    $<HTMLButtonElement>('.sb-close').addEventListener('click', () => this.handlers.onToggle(false));
    $<HTMLFormElement>('.sb-composer').addEventListener('submit', (e) => {
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
      const retry = (e.target as HTMLElement).closest<HTMLElement>('[data-retry]');
      if (retry?.dataset.retry) this.handlers.onRetry(retry.dataset.retry);
    });
    container.appendChild(this.host);
  }

  setOpen(open: boolean): void {
    this.panel.hidden = !open;
    this.launcher.setAttribute('aria-expanded', String(open));
    this.launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    if (open) {
      this.scrollToEnd();
      this.input.focus();
    }
  }

  setUnread(count: number): void {
    this.unreadBadge.hidden = count === 0;
    this.unreadBadge.textContent = String(count);
  }

  /** 003's offline banner: shown while disconnected, hidden once connected again. */
  setOffline(offline: boolean): void {
    this.offline.hidden = !offline;
    this.statusDot.classList.toggle('off', offline);
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
      this.upsert(position++, key, messageHtml(m, authorOf(m)), m.role === 'USER' ? 'mine' : 'theirs', m.id);
    }
    for (const s of streaming) {
      const key = `stream:${s.replyId}`;
      seen.add(key);
      this.upsert(position++, key, `<div class="sb-bubble sb-streaming"><span class="sb-author">Assistant</span><p class="sb-text">${escapeHtml(s.text)}</p></div>`, 'theirs', key);
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

function messageHtml(m: FeedMessage, author: string | null): string {
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const authorLine = m.role !== 'USER' && author ? `<span class="sb-author">${escapeHtml(author)}</span>` : '';
  return `<div class="sb-bubble">${authorLine}<p class="sb-text">${escapeHtml(m.content)}</p><span class="sb-meta"><time>${time}</time>${m.role === 'USER' ? ticks(m) : ''}</span></div>`;
}

/** ✓ sent, ✓✓ delivered, ✓✓ blue read; a clock while queued, ! (click to retry) when it failed. */
function ticks(m: FeedMessage): string {
  if (m.pending === 'failed' && m.clientMessageId) {
    return `<span class="sb-ticks failed" role="button" tabindex="0" title="Not sent: click to retry" data-retry="${escapeHtml(m.clientMessageId)}" data-status="failed">!</span>`;
  }
  if (m.pending) return `<span class="sb-ticks" title="Sending" data-testid="widget-ticks" data-status="pending">◷</span>`;
  const label = m.status === 'read' ? 'Read' : m.status === 'delivered' ? 'Delivered' : 'Sent';
  return `<span class="sb-ticks ${m.status}" title="${label}" aria-label="${label}" data-testid="widget-ticks" data-status="${m.status}">${m.status === 'sent' ? '✓' : '✓✓'}</span>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
