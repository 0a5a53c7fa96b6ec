/**
 * A fresh id for one message, kept for every retry of it so the server stores
 * it once. crypto.randomUUID exists only in secure contexts; a page served
 * over plain http on a LAN address still needs ids.
 */
export function newClientMessageId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return `cm-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
