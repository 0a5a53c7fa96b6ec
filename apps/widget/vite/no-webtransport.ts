/**
 * engine.io-client's transport table names WebTransport, which the widget
 * never asks for (SwitchboardClient uses websocket, then polling). Resolving
 * its import here leaves the transport's code out of the script: the size
 * budget of issue 17 (≤ 30 kB gzipped). Asking for `webtransport` would fail.
 */
export const WT = undefined;
