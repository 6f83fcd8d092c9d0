/** The time source, injected so tests and verification (`--at`) can choose "now". */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}

export const CLOCK = Symbol('CLOCK');
