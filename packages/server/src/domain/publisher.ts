import type { EphemeralEvent, LoggedEvent } from './domain-event';

/** Where services hand facts once they are committed. The broadcaster is the one implementation. */
export interface Publisher {
  publish(e: LoggedEvent): void;
  signal(e: EphemeralEvent): void;
}
