import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BrokerAdmin } from '@edx/messaging';
import { dropDatabase } from '@edx/storage';
import { ProvisionedSystem } from '../demo/demo-setup';
import { DemoPlan, databaseName } from './demo-plan';
import { ExchangeMark, MarkReading, describeMark, readDatabaseMark, readVhostMark } from './exchange-mark';

/** `.edx/demo.json`: written last by a first run, so its presence means the folder is complete. */
export interface DemoFile {
  readonly exchangeId: string;
  readonly createdAt: string;
  readonly console: { url: string; adminToken: string; operatorToken: string };
  readonly hub: { url: string };
  /** The hub's and the console's own least-privilege broker users (never guest), each by its certificate in `transport/<user>/`. */
  readonly broker: { hub: BrokerCredentials; console: BrokerCredentials };
  /** Paths inside are relative to the `.edx/` folder. */
  readonly gateways: ProvisionedSystem[];
}

export interface BrokerCredentials {
  readonly user: string;
}

export function readDemoFile(dir: string): DemoFile | undefined {
  const file = path.join(dir, 'demo.json');
  if (!existsSync(file)) return undefined;
  try {
    const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoFile;
    return typeof demo.exchangeId === 'string' && demo.broker?.hub ? demo : undefined;
  } catch {
    return undefined;
  }
}

/** What a start finds, and so what it does. */
export type ExchangeState =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'ready'; readonly demo: DemoFile }
  /** Remains of a first run that never finished: nothing in them is trusted; they are removed. */
  | { readonly kind: 'unfinished'; readonly remains: string[] }
  /** An exchange this `.edx/` did not make, or a `.edx/` whose exchange is gone: a person decides. */
  | { readonly kind: 'foreign'; readonly explanation: string };

interface Found {
  readonly where: string;
  readonly reading: MarkReading;
}

/** Reads `.edx/`, the marks on the demo's databases and on its vhost, and says what they add up to. */
export async function inspectExchange(plan: DemoPlan, admin: BrokerAdmin): Promise<ExchangeState> {
  const demo = readDemoFile(plan.dir);
  const hub: Found = { where: `database ${databaseName(plan.hubDatabaseUrl)}`, reading: await readDatabaseMark(plan.hubDatabaseUrl) };
  const others: Found[] = [{ where: `vhost ${plan.vhost}`, reading: await readVhostMark(admin, plan.vhost) }];
  for (const s of plan.systems) others.push({ where: `database ${databaseName(s.databaseUrl)}`, reading: await readDatabaseMark(s.databaseUrl) });
  const all = [hub, ...others];
  const present = all.filter((f) => f.reading.kind !== 'absent');
  const markOf = (f: Found): ExchangeMark | undefined => (f.reading.kind === 'marked' ? f.reading.mark : undefined);

  if (demo) {
    const hubMark = markOf(hub);
    if (hubMark?.id === demo.exchangeId && hubMark.state === 'provisioning') return { kind: 'unfinished', remains: [plan.dir, ...present.map((f) => f.where)] };
    const strangers = all.filter((f) => markOf(f)?.id !== demo.exchangeId);
    if (strangers.length === 0) return { kind: 'ready', demo };
    return {
      kind: 'foreign',
      explanation:
        `${plan.dir} describes exchange ${demo.exchangeId.slice(0, 8)} (made ${demo.createdAt}), but ` +
        strangers.map((f) => `${f.where} ${sayFound(f.reading)}`).join('; ') +
        '. Its documents, deliveries or keys would not match.',
    };
  }
  const leftovers = [existsSync(plan.dir) ? plan.dir : undefined, existsSync(plan.stagingDir) ? plan.stagingDir : undefined].filter((d): d is string => !!d);
  if (present.length === 0) return leftovers.length ? { kind: 'unfinished', remains: leftovers } : { kind: 'fresh' };
  // Only what an unfinished first run marked may be removed without asking.
  const others_ = present.filter((f) => markOf(f)?.state !== 'provisioning');
  if (others_.length === 0) return { kind: 'unfinished', remains: [...leftovers, ...present.map((f) => f.where)] };
  return {
    kind: 'foreign',
    explanation: `An exchange that ${plan.dir} did not make is here: ${others_.map((f) => `${f.where} ${sayFound(f.reading)}`).join('; ')}.`,
  };
}

function sayFound(reading: MarkReading): string {
  if (reading.kind === 'absent') return 'does not exist';
  if (reading.kind === 'unmarked') return "exists without the mark `edx up` leaves (something else, or an older edx, made it)";
  return `belongs to ${describeMark(reading.mark)}`;
}

/** Drops the demo's databases, vhost and broker users and removes its folders. Resolves when all is gone. */
export async function resetExchange(plan: DemoPlan, admin: BrokerAdmin): Promise<void> {
  for (const url of [plan.hubDatabaseUrl, ...plan.systems.map((s) => s.databaseUrl)]) await dropDatabase(url);
  await admin.deleteVhost(plan.vhost);
  for (const s of plan.systems) await admin.deleteSystemUsers(s.id);
  for (const user of Object.values(plan.serviceUsers)) await admin.deleteUser(user);
  for (const dir of [plan.dir, plan.stagingDir]) rmSync(dir, { recursive: true, force: true });
}

/** The command that starts over, with the settings that name this exchange, for every message that ends in it. */
export function resetHint(plan: DemoPlan): string {
  const dirOption = path.relative(process.cwd(), plan.dir) === '.edx' ? '' : ` --dir ${plan.dir}`;
  return `To start over (this drops the demo's databases, vhost and broker users and makes a new dev PKI): \`npx edx up --reset${dirOption}\`.`;
}
