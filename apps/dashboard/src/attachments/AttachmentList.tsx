import './attachments.css';

import type { AttachmentRef } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { useEffect, useState } from 'react';

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * A message's attachments (issue 16): images inline, other files as a download. The bytes need the
 * Bearer token, so they are fetched (HttpApi.fetchAttachment) and shown from an object URL rather
 * than linked: a plain <img src> or <a href> would carry no token.
 */
export function AttachmentList(props: { attachments: readonly AttachmentRef[] }) {
  return (
    <ul className="attachments" aria-label="Attachments">
      {props.attachments.map((a) => (
        <li key={a.id}>{a.kind === 'image' ? <InlineImage attachment={a} /> : <FileDownload attachment={a} />}</li>
      ))}
    </ul>
  );
}

function useObjectUrl(id: string, enabled: boolean): { url: string | null; error: string | null } {
  const client = useSwitchboardClient();
  const [state, setState] = useState<{ url: string | null; error: string | null }>({ url: null, error: null });
  useEffect(() => {
    if (!client || !enabled) return;
    const abort = new AbortController();
    let url: string | null = null;
    client.api.fetchAttachment(id, abort.signal).then(
      (blob) => {
        url = URL.createObjectURL(blob);
        setState({ url, error: null });
      },
      (err: Error) => {
        if (!abort.signal.aborted) setState({ url: null, error: err.message });
      },
    );
    return () => {
      abort.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [client, id, enabled]);
  return state;
}

function InlineImage(props: { attachment: AttachmentRef }) {
  const { url, error } = useObjectUrl(props.attachment.id, true);
  if (error) return <span className="attachment-error small">{props.attachment.name}: could not load</span>;
  if (!url) return <span className="attachment-loading small">Loading {props.attachment.name}…</span>;
  return (
    <a href={url} target="_blank" rel="noreferrer" className="attachment-image">
      <img src={url} alt={props.attachment.name} data-testid="attachment-image" />
    </a>
  );
}

function FileDownload(props: { attachment: AttachmentRef }) {
  const client = useSwitchboardClient();
  const [error, setError] = useState<string | null>(null);
  const { attachment } = props;
  const download = async () => {
    if (!client) return;
    try {
      const url = URL.createObjectURL(await client.api.fetchAttachment(attachment.id));
      const a = document.createElement('a');
      a.href = url;
      a.download = attachment.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Download failed');
    }
  };
  return (
    <button type="button" className="attachment-file" onClick={() => void download()} data-testid="attachment-file">
      <span aria-hidden="true">📎</span> {attachment.name} <span className="small">({fileSize(attachment.size)})</span>
      {error && <span className="attachment-error small"> {error}</span>}
    </button>
  );
}
