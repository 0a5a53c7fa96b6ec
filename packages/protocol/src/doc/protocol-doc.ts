import type { Direction, EventDef, Surface } from '../catalogue/define';
import { CATALOGUE } from '../catalogue/index';
import { introSection } from './doc-intro';
import { DOC_TYPE_NAMES } from './doc-types';
import { code, table } from './markdown';
import { renderSchema } from './render-schema';

interface SurfaceDoc {
  surface: Surface;
  title: string;
  /** Said instead of a table when a direction has no events of its own. */
  noClientEvents?: string;
}

const SURFACES: readonly SurfaceDoc[] = [
  { surface: 'default', title: 'Default namespace `/`, default vocabulary (000, 002, 001)' },
  {
    surface: 'portal',
    title: 'Default namespace `/`, portal vocabulary (004)',
    noClientEvents: 'Portal sockets send the default namespace’s client events.',
  },
  {
    surface: 'widget',
    title: 'Widget vocabulary: `/tenant/{tenantId}/conv/{conversationId}`, or `/` with `{ tenantId, conversationId }` (003)',
    noClientEvents: 'Widget sockets send the default namespace’s client events, limited to their bound conversation.',
  },
  { surface: 'tickets', title: '`/tickets` (001)' },
  { surface: 'chat', title: '`/chat` (001)' },
  { surface: 'notifications', title: '`/notifications` (001)' },
  { surface: 'presence', title: '`/presence` (001)' },
  {
    surface: 'dashboard',
    title: '`/dashboard`, admins only (001)',
    noClientEvents: 'None: admins only listen.',
  },
  {
    surface: 'sse',
    title: 'Server-Sent Events: `GET /api/conversations/:id/stream` (000)',
    noClientEvents: 'None: the stream is one-way. Send with `POST /api/conversations/:id/messages` or `send_message`.',
  },
];

/**
 * The whole of `docs/protocol.md`, from the catalogue. Deterministic, so a test
 * can compare it with the committed file.
 */
export function renderProtocolDoc(): string {
  const sections = [introSection(), '## Events\n'];
  for (const doc of SURFACES) sections.push(surfaceSection(doc));
  return `${sections.join('\n').trimEnd()}\n`;
}

function surfaceSection(doc: SurfaceDoc): string {
  return [
    `### ${doc.title}`,
    '',
    '#### Client → server',
    '',
    directionBody(doc, 'client'),
    '',
    '#### Server → client',
    '',
    directionBody(doc, 'server'),
    '',
  ].join('\n');
}

function directionBody(doc: SurfaceDoc, direction: Direction): string {
  const events = CATALOGUE.filter((e) => e.surface === doc.surface && e.direction === direction);
  if (events.length === 0) return doc.noClientEvents ?? 'None.';
  if (direction === 'client') {
    return table(
      ['Event', 'Seeds', 'Room', 'Payload', 'Ack data', 'Description'],
      events.map((e) => [code(e.name), e.seeds.join(', '), e.room, payload(e), ackData(e), e.description]),
    );
  }
  return table(
    ['Event', 'Seeds', 'Room', 'Payload', 'Description'],
    events.map((e) => [code(e.name), e.seeds.join(', '), e.room, payload(e), e.volatile ? `${e.description} Volatile.` : e.description]),
  );
}

/** Client payloads are shown as a sender writes them, server payloads as a listener receives them. */
function payload(e: EventDef): string {
  const side = e.direction === 'client' ? 'input' : 'output';
  return code(renderSchema(e.schema, { side, names: DOC_TYPE_NAMES }));
}

function ackData(e: EventDef): string {
  if (!e.ack) return '—';
  return code(DOC_TYPE_NAMES.get(e.ack) ?? renderSchema(e.ack, { side: 'output', names: DOC_TYPE_NAMES }));
}
