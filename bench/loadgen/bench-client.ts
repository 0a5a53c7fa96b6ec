/** One connected load-generator client. */
export interface BenchClient {
  close(): void;
}

export interface ClientHandlers {
  /** A bench broadcast arrived with this sequence number. */
  onSeq(seq: number): void;
  /** The connection closed after it was established. */
  onDrop(): void;
}

/**
 * Connects one client; rejects with the server's reason on a refused handshake. `localAddress`: the
 * source address to connect from (each has its own range of local ports; see ConnectSpec).
 */
export type ConnectClient = (
  baseUrl: string,
  token: string,
  handlers: ClientHandlers,
  timeoutMs: number,
  localAddress?: string,
) => Promise<BenchClient>;
