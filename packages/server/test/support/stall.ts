/** Keeps this process (the server's too, when it runs in the test's process) busy, as a broadcast burst or a long GC would. */
export function stallEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: nothing else runs
  }
}
