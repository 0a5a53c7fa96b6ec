import type { FeedMessage } from '@switchboard/client';

/**
 * Delivery ticks, WhatsApp style: ✓ sent, ✓✓ delivered, ✓✓ in blue read;
 * a clock while the outbox still holds it, a warning when it failed.
 */
export function DeliveryTicks(props: { message: FeedMessage }) {
  const { message } = props;
  if (message.pending === 'failed')
    return (
      <span
        className="ticks ticks-failed"
        title={message.error?.message ?? 'Not sent'}
        aria-label={`Not sent: ${message.error?.message ?? 'failed'}`}
      >
        !
      </span>
    );
  if (message.pending) {
    const label = message.pending === 'queued' ? 'Waiting for the connection' : 'Sending';
    return (
      <span className="ticks ticks-pending" title={label} aria-label={label} data-testid="ticks" data-status="pending">
        ◷
      </span>
    );
  }
  const label = message.status === 'read' ? 'Read' : message.status === 'delivered' ? 'Delivered' : 'Sent';
  return (
    <span className={`ticks ticks-${message.status}`} title={label} aria-label={label} data-testid="ticks" data-status={message.status}>
      {message.status === 'sent' ? '✓' : '✓✓'}
    </span>
  );
}
