import { BrokerAdmin } from '@edx/messaging';
import { databaseComment, ensureDatabase, setDatabaseComment } from '@edx/storage';

/**
 * Which exchange made a database or a vhost, written on it by `edx up` (a PostgreSQL database comment,
 * a RabbitMQ vhost description). `provisioning` until the first run finished, then `ready`: the hub
 * database's mark is the first run's commit point.
 */
export interface ExchangeMark {
  readonly id: string;
  readonly state: 'provisioning' | 'ready';
  /** The `.edx/` folder the exchange belongs to. */
  readonly dir: string;
  readonly createdAt: string;
}

/** What is found where a mark could be: nothing, something edx up did not make, or a mark. */
export type MarkReading = { readonly kind: 'absent' } | { readonly kind: 'unmarked' } | { readonly kind: 'marked'; readonly mark: ExchangeMark };

const PREFIX = 'edx exchange ';

export function formatMark(mark: ExchangeMark): string {
  return `${PREFIX}${JSON.stringify(mark)}`;
}

export function parseMark(text: string | undefined): MarkReading {
  if (text === undefined) return { kind: 'absent' };
  if (!text.startsWith(PREFIX)) return { kind: 'unmarked' };
  try {
    const mark = JSON.parse(text.slice(PREFIX.length)) as ExchangeMark;
    return typeof mark.id === 'string' && (mark.state === 'provisioning' || mark.state === 'ready') ? { kind: 'marked', mark } : { kind: 'unmarked' };
  } catch {
    return { kind: 'unmarked' };
  }
}

export async function readDatabaseMark(url: string): Promise<MarkReading> {
  return parseMark(await databaseComment(url));
}

/** Creates the database if needed and marks it. */
export async function markDatabase(url: string, mark: ExchangeMark): Promise<void> {
  await ensureDatabase(url);
  await setDatabaseComment(url, formatMark(mark));
}

export async function readVhostMark(admin: BrokerAdmin, vhost: string): Promise<MarkReading> {
  return parseMark(await admin.vhostDescription(vhost));
}

/** Creates the vhost if needed and marks it. */
export async function markVhost(admin: BrokerAdmin, vhost: string, mark: ExchangeMark): Promise<void> {
  await admin.ensureVhost(vhost);
  await admin.describeVhost(vhost, formatMark(mark));
}

/** How a person reads a mark: "exchange 1f2e… made in /home/x/.edx on 2026-12-01 (finished)". */
export function describeMark(mark: ExchangeMark): string {
  return `exchange ${mark.id.slice(0, 8)} made for ${mark.dir} on ${mark.createdAt}${mark.state === 'ready' ? '' : ' (its first run never finished)'}`;
}
