import { useEffect, useRef } from 'react';

export interface ShortcutActions {
  /** j / k: the next or previous conversation in the list as shown. */
  move: (step: 1 | -1) => void;
  /** r: the reply box. */
  reply: () => void;
  /** e: resolve the open conversation. */
  resolve: () => void;
  /** ?: the list of shortcuts. */
  help: () => void;
}

/** Keys typed into a field are text, not commands; modified keys belong to the browser. */
function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);
}

/** Gmail-style single-key shortcuts for the inbox, listened for on the whole document. */
export function useKeyboardShortcuts(actions: ShortcutActions): void {
  const current = useRef(actions);
  current.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      // Behind a modal dialog the inbox is not what the keys are about.
      if (document.querySelector('dialog[open]')) return;
      const a = current.current;
      const run = { j: () => a.move(1), k: () => a.move(-1), r: a.reply, e: a.resolve, '?': a.help }[e.key];
      if (!run) return;
      e.preventDefault();
      run();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export const SHORTCUTS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'j', what: 'Next conversation' },
  { keys: 'k', what: 'Previous conversation' },
  { keys: 'r', what: 'Reply (focus the message box)' },
  { keys: 'e', what: 'Resolve the open conversation' },
  { keys: '?', what: 'Show this list' },
  { keys: 'Esc', what: 'Close a dialog, leave the message box' },
  { keys: 'Enter', what: 'Send (Shift+Enter for a new line)' },
];
