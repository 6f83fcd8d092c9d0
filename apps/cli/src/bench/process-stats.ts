import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Command name and CPU seconds (user + system) of a process, from /proc; undefined once it is gone. */
function readStat(pid: number | string): { comm: string; cpuSeconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  return readStat(pid)?.cpuSeconds;
}

/** Peak resident memory (VmHWM) in MiB, from /proc. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by every process whose command name is one of `names` (e.g. RabbitMQ's
 * beam.smp, PostgreSQL's postgres backends), from /proc. Backends that exit between two readings
 * drop out, so over a run this slightly under-counts; edx keeps its connections for the whole run.
 */
export function cpuSecondsByName(names: readonly string[]): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry); // undefined when the process ended while we looked
    if (stat && names.includes(stat.comm)) total += stat.cpuSeconds;
  }
  return total;
}

/** The servers edx runs on, by command name. */
export const SERVERS: Readonly<Record<string, readonly string[]>> = { rabbitmq: ['beam.smp'], postgresql: ['postgres'] };
