import { AppProcess } from '../processes/app-process';

/**
 * The points where a test can make `edx up` die at once (EDX_TEST_CRASH_AT=<point>), as a power cut
 * or a killed terminal would: its child processes and itself, with SIGKILL, nothing cleaned up.
 */
export const UP_CRASH_POINTS = ['up:after-marks', 'up:after-first-system', 'up:after-onboarding', 'up:before-commit', 'up:after-commit'] as const;
export type UpCrashPoint = (typeof UP_CRASH_POINTS)[number];

export function crashPoint(point: UpCrashPoint, chosen: string | undefined, children: readonly AppProcess[]): void {
  if (chosen !== point) return;
  process.stderr.write(`edx up: crashing at ${point} (EDX_TEST_CRASH_AT)\n`);
  for (const child of children) child.child.kill('SIGKILL');
  process.kill(process.pid, 'SIGKILL');
}
