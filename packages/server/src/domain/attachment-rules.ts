import { Transform, type TransformCallback } from 'node:stream';

import { MAX_ATTACHMENT_BYTES } from '@switchboard/protocol';

import { AppError, invalid } from '../errors';

/**
 * What may be uploaded (issue 16), by declared content type, and how it is shown. Images are the
 * raster formats every browser draws and none runs (no SVG: it can carry script); files are
 * documents offered only as downloads.
 */
export const ATTACHMENT_TYPES: Readonly<Record<string, 'image' | 'file'>> = {
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'application/pdf': 'file',
  'text/plain': 'file',
  'text/csv': 'file',
  'application/zip': 'file',
  'application/msword': 'file',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'file',
  'application/vnd.ms-excel': 'file',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'file',
};

/** The allowlisted type of a Content-Type header (parameters such as `charset` dropped), or a VALIDATION_FAILED. */
export function attachmentType(header: string | undefined): { contentType: string; kind: 'image' | 'file' } {
  const contentType = (header ?? '').split(';')[0]!.trim().toLowerCase();
  const kind = ATTACHMENT_TYPES[contentType];
  if (!kind) throw invalid('This type of file cannot be attached', { contentType, allowed: Object.keys(ATTACHMENT_TYPES) });
  return { contentType, kind };
}

/** A file name safe to show and to put in a Content-Disposition header: no paths, no control characters, bounded. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // Control characters would let a name split a header line or hide itself in the UI.
  // eslint-disable-next-line no-control-regex
  const invisible = /[\u0000-\u001f\u007f"]/g;
  return base.replace(invisible, '').trim().slice(0, 200) || 'attachment';
}

export const tooLarge = () =>
  new AppError('PAYLOAD_TOO_LARGE', `Attachments are at most ${MAX_ATTACHMENT_BYTES / (1024 * 1024)} MB`, {
    maxBytes: MAX_ATTACHMENT_BYTES,
  });

/** The first bytes each image format starts with: an upload declared as an image must be one. */
const SIGNATURES: Readonly<Record<string, (b: Buffer) => boolean>> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};
const SIGNATURE_BYTES = 12;

/**
 * Passes an upload through while counting it: fails with PAYLOAD_TOO_LARGE as soon as more than
 * `maxBytes` went by (so a larger body is never read to its end, let alone stored), and with
 * VALIDATION_FAILED when an image does not start like one. `bytes` is the size once it ends.
 */
export class UploadGuard extends Transform {
  bytes = 0;
  private head: Buffer | null = Buffer.alloc(0);

  constructor(
    private readonly contentType: string,
    private readonly maxBytes = MAX_ATTACHMENT_BYTES,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(tooLarge());
    if (this.head === null) return done(null, chunk);
    // The signature is checked once enough bytes have arrived; until then they are held back.
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < SIGNATURE_BYTES) return done();
    this.release(done);
  }

  override _flush(done: TransformCallback): void {
    if (this.head === null) return done();
    this.release(done);
  }

  private release(done: TransformCallback): void {
    const head = this.head ?? Buffer.alloc(0);
    this.head = null;
    const refusal = this.checkSignature(head);
    if (refusal) done(refusal);
    else done(null, head);
  }

  private checkSignature(head: Buffer): Error | null {
    const matches = SIGNATURES[this.contentType];
    return matches && !matches(head) ? invalid(`The file is not a ${this.contentType} image`) : null;
  }
}
