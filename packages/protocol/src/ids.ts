import { z } from 'zod';

/** Ids are opaque strings: UUIDs for rows we create, anything safe for ids from tokens and other systems. */
export const Id = z.string().regex(/^[A-Za-z0-9_.@-]{1,128}$/, 'must be 1-128 letters, digits or _ . @ -');
export const IsoDate = z.string();
/** Upper bound of a message body, in characters; larger ones are PAYLOAD_TOO_LARGE. */
export const MAX_MESSAGE_CHARS = 10_000;
/** Attachments (issue 16): the largest upload, in bytes, and how many one message may carry. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
