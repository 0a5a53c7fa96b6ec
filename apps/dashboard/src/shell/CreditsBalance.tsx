import { DefaultIn } from '@switchboard/client';
import { useSocketEvent, useSwitchboardClient } from '@switchboard/client/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

const creditsKey = ['credits'] as const;

/**
 * The tenant's AI credit balance: read once from `GET /api/credits` (when the server has
 * it), then moved by every `credits_updated`.
 */
export function CreditsBalance() {
  const client = useSwitchboardClient();
  const queryClient = useQueryClient();
  const [delta, setDelta] = useState<number | null>(null);
  const { data } = useQuery({
    queryKey: creditsKey,
    queryFn: () => client!.api.request<{ balance: number }>('GET', '/api/credits?limit=1').then((s) => s.balance),
    enabled: client !== null,
    retry: false,
  });
  useSocketEvent(DefaultIn.credits_updated, (c) => {
    queryClient.setQueryData(creditsKey, c.balance);
    setDelta(c.delta);
  });
  return (
    <div className="credits" data-testid="credits" title="AI credit balance, updated live">
      <span className="muted small">Credits</span>
      <strong data-testid="credit-balance">{data === undefined ? '—' : data.toLocaleString()}</strong>
      {delta !== null && delta !== 0 && (
        <span className={`small ${delta < 0 ? 'negative' : 'positive'}`}>
          {delta > 0 ? '+' : ''}
          {delta}
        </span>
      )}
    </div>
  );
}
