/**
 * Deterministic crash points for fault tests. A test names one point in a process's EDX_TEST_CRASH_AT
 * setting; the first time the process reaches that point it dies at once (SIGKILL, nothing cleaned
 * up), as a power cut would. With the setting unset (production) `reach` does nothing.
 */
export class CrashPoints {
  private fired = false;

  constructor(
    private readonly chosen: string | undefined,
    /** Runs just before the process dies (e.g. kill its child processes with it). */
    private readonly beforeDeath?: () => void,
  ) {}

  reach(point: string): void {
    if (this.fired || this.chosen !== point) return;
    this.fired = true;
    process.stderr.write(`crashing at ${point} (EDX_TEST_CRASH_AT)\n`);
    this.beforeDeath?.();
    process.kill(process.pid, 'SIGKILL');
  }
}

/** No crash points: what everything uses unless a test set one. */
export const NO_CRASH_POINTS = new CrashPoints(undefined);
