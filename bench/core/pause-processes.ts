/**
 * Pauses (SIGSTOP) and resumes (SIGCONT) the harness's own idle children, so
 * that a server waiting for its turn cannot take CPU from the one being measured
 * on the same core. Pauses stay short (one round, a few seconds), well inside
 * Engine.IO's 20 s ping timeout. Only pids the harness started are passed here.
 */
export function pauseProcesses(pids: readonly number[]): () => void {
  const paused: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGSTOP');
      paused.push(pid);
    } catch {
      // already gone
    }
  }
  return () => {
    for (const pid of paused) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone meanwhile
      }
    }
  };
}
