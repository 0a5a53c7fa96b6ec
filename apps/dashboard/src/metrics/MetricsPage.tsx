import { type AgentMetrics, DashboardIn, NAMESPACE_PATHS, type SlaMetrics, type TicketMetrics } from '@switchboard/client';
import { useNamespace, useNamespaceEvent, usePresence } from '@switchboard/client/react';
import { type ReactNode, useEffect, useState } from 'react';

import { useConversations } from '../inbox/use-conversations';
import { Sparkline } from './Sparkline';
import { useSeries, useTicker } from './use-series';

const SPAN_MS = 10 * 60_000;

/**
 * Admins' live view: counters from the live
 * conversation list, and `/dashboard`'s queue, SLA, ticket and agent
 * snapshots with short time series of queue length and SLA state.
 */
export function MetricsPage() {
  const now = useTicker(2_000);
  const { data: conversations = [] } = useConversations();
  const { state } = useNamespace(NAMESPACE_PATHS.dashboard);
  const [queue, setQueue] = useState<{ waiting: number; avgWaitTime: number; longestWaitTime: number } | null>(null);
  const [sla, setSla] = useState<SlaMetrics | null>(null);
  const [tickets, setTickets] = useState<TicketMetrics | null>(null);
  const [agents, setAgents] = useState<AgentMetrics | null>(null);
  const [queueSeries, pushQueue] = useSeries(SPAN_MS);
  const [riskSeries, pushRisk] = useSeries(SPAN_MS);
  const [breachSeries, pushBreach] = useSeries(SPAN_MS);
  const [localQueueSeries, pushLocalQueue] = useSeries(SPAN_MS);

  useNamespaceEvent(NAMESPACE_PATHS.dashboard, DashboardIn['metrics:queue'], (q) => {
    setQueue(q);
    pushQueue(q.waiting, Date.parse(q.at) || Date.now());
  });
  useNamespaceEvent(NAMESPACE_PATHS.dashboard, DashboardIn['metrics:sla'], (s) => {
    setSla(s);
    pushRisk(s.atRisk, Date.parse(s.at) || Date.now());
    pushBreach(s.breached, Date.parse(s.at) || Date.now());
  });
  useNamespaceEvent(NAMESPACE_PATHS.dashboard, DashboardIn['metrics:tickets'], setTickets);
  useNamespaceEvent(NAMESPACE_PATHS.dashboard, DashboardIn['metrics:agents'], setAgents);
  usePresence((agents?.agents ?? []).map((a) => a.userId));

  const active = conversations.filter((c) => c.status !== 'RESOLVED').length;
  const waiting = conversations.filter((c) => c.status !== 'RESOLVED' && !c.assigneeId).length;
  const handedOff = conversations.filter((c) => c.status === 'HANDED_OFF').length;
  const resolved = conversations.filter((c) => c.status === 'RESOLVED').length;
  useEffect(() => pushLocalQueue(waiting), [waiting, pushLocalQueue]);

  return (
    <main className="metrics" aria-labelledby="metrics-title">
      <header className="pane-head">
        <h1 id="metrics-title">Live metrics</h1>
        <span className={`ns-state ns-${state.status}`} data-testid="dashboard-ns">
          {state.status === 'connected' ? 'Live' : state.status === 'unavailable' ? '/dashboard unavailable' : 'Connecting…'}
        </span>
      </header>

      <section className="counters" aria-label="Conversations">
        <Counter label="Active conversations" value={active} testId="active-count" />
        <Counter label="Waiting for an agent" value={waiting} />
        <Counter label="Handed off" value={handedOff} />
        <Counter label="Resolved" value={resolved} />
      </section>

      <section className="charts">
        <Chart
          title="Queue length"
          value={queue?.waiting ?? waiting}
          hint={
            queue ? `avg wait ${fmtSeconds(queue.avgWaitTime)}, longest ${fmtSeconds(queue.longestWaitTime)}` : 'from the conversation list'
          }
        >
          <Sparkline points={queue ? queueSeries : localQueueSeries} label="Queue length" spanMs={SPAN_MS} now={now} />
        </Chart>
        <Chart
          title="SLA at risk"
          value={sla?.atRisk ?? '—'}
          hint={sla ? `compliance ${(sla.compliance * 100).toFixed(0)}%` : 'waiting for /dashboard'}
        >
          <Sparkline points={riskSeries} label="SLA at risk" spanMs={SPAN_MS} now={now} color="var(--warning)" />
        </Chart>
        <Chart title="SLA breached" value={sla?.breached ?? '—'} hint={sla ? `${sla.met} met` : 'waiting for /dashboard'}>
          <Sparkline points={breachSeries} label="SLA breached" spanMs={SPAN_MS} now={now} color="var(--danger)" />
        </Chart>
      </section>

      {tickets && (
        <section className="counters" aria-label="Tickets">
          <Counter label="Open tickets" value={tickets.open} />
          <Counter label="Unassigned tickets" value={tickets.unassigned} />
          <Counter label="Created today" value={tickets.createdToday} />
          <Counter label="Solved today" value={tickets.solvedToday} />
        </section>
      )}

      {agents && (
        <section className="card" aria-labelledby="agents-title">
          <h2 id="agents-title">Agents · {agents.online} online</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Status</th>
                <th scope="col">Open conversations</th>
                <th scope="col">Open tickets</th>
              </tr>
            </thead>
            <tbody>
              {agents.agents.map((a) => (
                <tr key={a.userId}>
                  <td>{a.name ?? a.userId}</td>
                  <td>
                    <span className={`presence-dot presence-${a.status}`} aria-hidden="true" /> {a.status}
                  </td>
                  <td>{a.openConversations}</td>
                  <td>{a.openTickets}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {state.status === 'unavailable' && (
        <p className="muted">This server does not offer the /dashboard namespace; the counters above still update live.</p>
      )}
    </main>
  );
}

function Counter(props: { label: string; value: number | string; testId?: string }) {
  return (
    <div className="counter">
      <span className="counter-value" data-testid={props.testId}>
        {props.value}
      </span>
      <span className="muted small">{props.label}</span>
    </div>
  );
}

function Chart(props: { title: string; value: number | string; hint: string; children: ReactNode }) {
  return (
    <figure className="chart card">
      <figcaption>
        <span>{props.title}</span>
        <strong>{props.value}</strong>
      </figcaption>
      {props.children}
      <span className="muted small">{props.hint}</span>
    </figure>
  );
}

function fmtSeconds(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}
