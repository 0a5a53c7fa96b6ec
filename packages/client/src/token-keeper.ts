import { SwitchboardError } from './api-error';

/**
 * The current token and its renewal through the app's callback. Concurrent
 * refreshes (a 401, token:refresh and a reconnect at once) share one call.
 */
export class TokenKeeper {
  private refreshing: Promise<string> | null = null;
  /** Set when the server said the token expired: the next handshake needs a new one. */
  expired = false;

  constructor(
    private token: string,
    private readonly renew?: () => Promise<string>,
  ) {}

  get current(): string {
    return this.token;
  }

  get canRefresh(): boolean {
    return this.renew !== undefined;
  }

  set(token: string): void {
    this.token = token;
    this.expired = false;
  }

  refresh(): Promise<string> {
    const renew = this.renew;
    if (!renew) return Promise.reject(new SwitchboardError('AUTH_TOKEN_EXPIRED', 'No refreshToken callback', 401));
    this.refreshing ??= renew()
      .then((token) => {
        this.set(token);
        return token;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}
