/*
 * The files of a fresh consumer project that installs @switchboard/protocol and
 * @switchboard/client from their tarballs (see published-packages.test.ts).
 */

/** The first fenced block of `lang` in a README: the examples are run as written. */
export function codeBlock(readme: string, lang: string): string {
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme)?.[1];
  if (!block) throw new Error(`no \`\`\`${lang} block`);
  return block;
}

/** The outputs a README example promises in `console.log(...); // expected` comments, in order. */
export function promisedOutput(example: string): string[] {
  return [...example.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => (m[1] ?? '').trim());
}

/** Plain Node, no bundler: every entry, the hooks against the consumer's own React, validation, one class across entries. */
export const NODE_CHECK = `
import { DefaultIn, PortalIn, SwitchboardClient, SwitchboardError } from '@switchboard/client';
import { SwitchboardProvider, useConnectionStatus } from '@switchboard/client/react';
import { validatePayload } from '@switchboard/client/validate';
import { CATALOGUE } from '@switchboard/protocol';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

const client = new SwitchboardClient({ url: 'http://127.0.0.1:9', token: 't', autoConnect: false });
function Status() {
  return createElement('b', null, useConnectionStatus().status);
}
const html = renderToString(createElement(SwitchboardProvider, { client }, createElement(Status)));
let invalid = null;
try {
  validatePayload('default', DefaultIn.new_message, { nope: true });
} catch (err) {
  invalid = err instanceof SwitchboardError ? err.code : String(err);
}
console.log(JSON.stringify({ html, newMessage: DefaultIn.new_message, portal: PortalIn['message:new'], catalogue: CATALOGUE.length, invalid }));
client.destroy();
`;

/** Type-checked under strict; the @ts-expect-error lines fail the check if the types decayed to any. */
export const TYPES_CHECK = `
import { DefaultIn, SwitchboardClient, type Message } from '@switchboard/client';
import { useConversationMessages } from '@switchboard/client/react';
import { validateEvent } from '@switchboard/client/validate';
import { defaultServer, type ErrorCode } from '@switchboard/protocol';

const client = new SwitchboardClient({ url: 'http://localhost:3000', token: 't', autoConnect: false });
client.on(DefaultIn.new_message, (event) => {
  const message: Message = event.message;
  message.content.toUpperCase();
});
// @ts-expect-error not an event the server sends
client.on('no_such_event', () => undefined);
// @ts-expect-error a message has no such field
client.on(DefaultIn.new_message, (event) => event.message.noSuchField);
const checked = validateEvent(defaultServer.new_message, {});
export const content: string = checked.message.content;
export const code: ErrorCode = 'FORBIDDEN';
export const hook: typeof useConversationMessages = useConversationMessages;
`;

export const TSCONFIG_BUNDLER = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    jsx: 'react-jsx',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
    noEmit: true,
    skipLibCheck: false,
  },
  include: ['src'],
};

export const TSCONFIG_NODENEXT = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    noEmit: true,
    // The bundler project checks the declarations themselves; this one checks that NodeNext resolves them
    // (if it did not, the types would decay to any and the @ts-expect-error lines would fail).
    skipLibCheck: true,
  },
  files: ['node-types.mts'],
};

export const INDEX_HTML = `<!doctype html><html><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>`;

export const MAIN_TSX = `
import { createRoot } from 'react-dom/client';
import { App } from './App';

createRoot(document.getElementById('root')!).render(<App />);
`;

/** The entry measured for size: everything the SDK exports without validation. */
export const SIZE_ENTRY = `export * from '@switchboard/client';\nexport * from '@switchboard/client/react';\n`;
