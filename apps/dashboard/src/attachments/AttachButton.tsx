import './attachments.css';

import type { AttachmentRef } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { useRef, useState } from 'react';

import { fileSize } from './AttachmentList';

/** What the server accepts (domain/attachment-rules.ts); the server checks again. */
const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/zip,.doc,.docx,.xls,.xlsx';
const MAX_BYTES = 10 * 1024 * 1024;

export interface PendingAttachments {
  ready: AttachmentRef[];
  uploading: number;
  clear: () => void;
}

/**
 * Uploads files into the conversation as soon as they are chosen (so the send is quick) and keeps
 * them until the message goes; each can be removed before sending.
 */
export function useAttachmentUploads(conversationId: string): PendingAttachments & {
  add: (files: FileList | null) => void;
  remove: (id: string) => void;
  error: string | null;
} {
  const client = useSwitchboardClient();
  const [ready, setReady] = useState<AttachmentRef[]>([]);
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const add = (files: FileList | null) => {
    if (!client || !files) return;
    setError(null);
    for (const file of Array.from(files)) {
      if (file.size > MAX_BYTES) {
        setError(`${file.name} is larger than 10 MB`);
        continue;
      }
      setUploading((n) => n + 1);
      client.api
        .uploadAttachment(conversationId, file)
        .then(
          (a) => setReady((list) => [...list, { id: a.id, name: a.name, contentType: a.contentType, size: a.size, kind: a.kind }]),
          (err: Error) => setError(`${file.name}: ${err.message}`),
        )
        .finally(() => setUploading((n) => n - 1));
    }
  };
  return {
    ready,
    uploading,
    error,
    add,
    remove: (id) => setReady((list) => list.filter((a) => a.id !== id)),
    clear: () => setReady([]),
  };
}

export function AttachButton(props: { uploads: ReturnType<typeof useAttachmentUploads>; disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const { uploads } = props;
  return (
    <div className="attach-row">
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={ACCEPT}
        onChange={(e) => {
          uploads.add(e.target.files);
          e.target.value = '';
        }}
        data-testid="attach-input"
      />
      <button
        type="button"
        className="link-button"
        disabled={props.disabled}
        onClick={() => input.current?.click()}
        aria-label="Attach a file"
      >
        📎 Attach
      </button>
      {uploads.uploading > 0 && <span className="muted small">Uploading {uploads.uploading}…</span>}
      {uploads.ready.map((a) => (
        <span key={a.id} className="chip" data-testid="pending-attachment">
          {a.name} <span className="muted">({fileSize(a.size)})</span>
          <button type="button" className="link-button small" aria-label={`Remove ${a.name}`} onClick={() => uploads.remove(a.id)}>
            ×
          </button>
        </span>
      ))}
      {uploads.error && (
        <span className="error small" role="alert">
          {uploads.error}
        </span>
      )}
    </div>
  );
}
