import type { Fact, Role } from '@switchboard/client';

export interface Person {
  userId: string;
  name: string | null;
  role: Role | null;
}

/**
 * Staff this dashboard has heard of, with whatever it knows about each:
 * the signed-in user, the demo accounts (development), `/dashboard`'s agent
 * list (admins), typists, presence and assignees. Switchboard has no user
 * directory route, so the team grows as people show up.
 */
export class PeopleDirectory {
  private readonly people = new Map<string, Person>();
  private readonly listeners = new Set<() => void>();
  private snapshot: readonly Person[] = [];

  add(person: Person): void {
    const known = this.people.get(person.userId);
    const merged: Person = {
      userId: person.userId,
      name: person.name ?? known?.name ?? null,
      role: person.role ?? known?.role ?? null,
    };
    if (known && known.name === merged.name && known.role === merged.role) return;
    if (merged.role === 'customer') return;
    this.people.set(person.userId, merged);
    this.publish();
  }

  onFact(fact: Fact): void {
    if (fact.kind === 'typing' && fact.role !== 'customer') this.add({ userId: fact.userId, name: fact.name, role: fact.role });
    else if (fact.kind === 'presence') this.add({ userId: fact.userId, name: null, role: null });
    else if (fact.kind === 'conversation' && fact.conversation?.assigneeId)
      this.add({ userId: fact.conversation.assigneeId, name: null, role: null });
  }

  nameOf(userId: string | null | undefined): string {
    if (!userId) return 'Unassigned';
    return this.people.get(userId)?.name ?? userId;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly Person[] => this.snapshot;

  private publish(): void {
    this.snapshot = [...this.people.values()].sort((a, b) => (a.name ?? a.userId).localeCompare(b.name ?? b.userId));
    for (const l of [...this.listeners]) l();
  }
}
