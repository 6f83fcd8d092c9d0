import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import { EdxError } from '@edx/common';
import { connectionProblem } from '@edx/storage';

/** Where a prerequisite stands: met, or the problem and whether running the local fix can help. */
export type PrerequisiteState = { readonly met: true } | { readonly met: false; readonly problem: string; readonly fixable: boolean };

/** Something `edx up` needs, how to see it is there, and how to put it there. */
export interface Prerequisite {
  readonly name: string;
  check(): Promise<PrerequisiteState>;
  /**
   * What fixes it on this machine (only offered when the service is local and the tools are here):
   * commands to run, or `apply`, which resolves with each change it made.
   */
  readonly localFix?: { readonly says: string; readonly commands: ReadonlyArray<readonly string[]>; readonly apply?: () => Promise<string[]> };
  /** What a person runs or sets elsewhere: the exact command or setting. */
  readonly manualFix: string;
  /** A prerequisite that is only advice (the exchange runs without it): reported, never fatal. */
  readonly optional?: boolean;
}

export type CommandRunner = (command: readonly string[]) => { ok: boolean; output: string };

export const runCommand: CommandRunner = (command) => {
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: 180_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? result.error.message : ''}`.trim() };
};

/**
 * Checks each prerequisite in order. One that is not met is fixed here when it has a local fix (what
 * runs is printed), then checked again until it is met (up to `settleMs`); otherwise `edx up` stops
 * with PREREQUISITE_MISSING naming the exact fix.
 */
export async function ensurePrerequisites(
  prerequisites: readonly Prerequisite[],
  print: (line: string) => void,
  options: { readonly run?: CommandRunner; readonly settleMs?: number } = {},
): Promise<void> {
  const run = options.run ?? runCommand;
  for (const prerequisite of prerequisites) {
    let state = await prerequisite.check();
    if (state.met) continue;
    const fix = prerequisite.localFix;
    if (state.fixable && fix) {
      print(`edx up: ${state.problem}; ${fix.says}${fix.commands.length ? `: ${fix.commands.map((c) => `\`${c.join(' ')}\``).join(' then ')}` : ''}`);
      if (fix.apply) {
        try {
          for (const line of await fix.apply()) print(`edx up: changed: ${line}`);
        } catch (error) {
          state = { met: false, problem: `${state.problem}; ${(error as Error).message}`, fixable: false };
        }
      }
      for (const command of state.fixable ? fix.commands : []) {
        const result = run(command);
        if (!result.ok) {
          state = { met: false, problem: `${state.problem}; \`${command.join(' ')}\` failed: ${result.output.slice(-500)}`, fixable: false };
          break;
        }
      }
      state = state.fixable ? await settle(prerequisite, options.settleMs ?? 60_000) : state;
      if (state.met) {
        print(`edx up: ${prerequisite.name}: done`);
        continue;
      }
    }
    if (prerequisite.optional) {
      print(`edx up: note: ${state.problem}. ${prerequisite.manualFix}`);
      continue;
    }
    throw new EdxError('PREREQUISITE_MISSING', `${state.problem}. ${prerequisite.manualFix}`, { prerequisite: prerequisite.name });
  }
}

async function settle(prerequisite: Prerequisite, settleMs: number): Promise<PrerequisiteState> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const state = await prerequisite.check();
    if (state.met || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.toLowerCase());
}

/** The executable's path when it is on PATH (or in the sbin folders Debian keeps servers in). */
export function findTool(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...searchPath.split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export function tcpOpen(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host.replace(/^\[|\]$/g, ''), () => done(true));
  });
}

/** PostgreSQL answering at `databaseRoot` (a user that may create databases). */
export function postgresPrerequisite(databaseRoot: string): Prerequisite {
  const url = new URL(databaseRoot);
  const where = `${url.hostname}:${url.port || 5432}`;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  const ctl = findTool('pg_ctlcluster');
  const local = isLocalHost(url.hostname) && ctl && versions.length === 1;
  const startCommand = ['pg_ctlcluster', '--skip-systemctl-redirect', versions[0] ?? '<version>', 'main', 'start'];
  return {
    name: `PostgreSQL at ${where}`,
    async check() {
      const problem = await connectionProblem(databaseRoot, false);
      // A server that answers but not over verified TLS is the next prerequisite's to fix.
      if (!problem || problem.code !== 'STORAGE_UNAVAILABLE') return { met: true };
      const refused = /ECONNREFUSED|ENOENT|timeout|starting up/i.test(problem.message);
      return { met: false, problem: `PostgreSQL at ${where} does not answer (${problem.message})`, fixable: refused };
    },
    localFix: local ? { says: 'starting it', commands: [[ctl!, ...startCommand.slice(1)]] } : undefined,
    manualFix: `Start PostgreSQL (on Debian: \`${startCommand.join(' ')}\`), or set EDX_DATABASE_ROOT to a server where this user may create databases.`,
  };
}

/** PostgreSQL taking the verified TLS connections the database URLs ask for (`edx database tls` on a local server). */
export function databaseTlsPrerequisite(databaseRoot: string, apply: () => Promise<string[]>): Prerequisite {
  const url = new URL(databaseRoot);
  const local = isLocalHost(url.hostname) && findTool('pg_ctlcluster');
  return {
    name: `TLS to PostgreSQL at ${url.hostname}:${url.port || 5432}`,
    async check() {
      const problem = await connectionProblem(databaseRoot, true);
      return problem ? { met: false, problem: problem.message, fixable: problem.code !== 'CONFIG_INVALID' || /sslrootcert/.test(problem.message) } : { met: true };
    },
    localFix: local ? { says: 'turning TLS on in the local PostgreSQL (what `npx edx database tls` does)', commands: [], apply } : undefined,
    manualFix: 'Run `npx edx database tls` on the database host (as root), or turn ssl on there and name its CA in EDX_DATABASE_ROOT (?sslmode=verify-full&sslrootcert=CA.pem) as README "Transport security" says.',
  };
}

/** RabbitMQ's AMQP listener. */
export function brokerPrerequisite(amqpUrl: string): Prerequisite {
  const url = new URL(amqpUrl);
  const port = Number(url.port || (url.protocol === 'amqps:' ? 5671 : 5672));
  const server = findTool('rabbitmq-server');
  const ctl = findTool('rabbitmqctl');
  return {
    name: `RabbitMQ at ${url.hostname}:${port}`,
    async check() {
      return (await tcpOpen(url.hostname, port))
        ? { met: true }
        : { met: false, problem: `RabbitMQ does not answer at ${url.hostname}:${port}`, fixable: true };
    },
    localFix:
      isLocalHost(url.hostname) && server && ctl
        ? { says: 'starting it', commands: [[server, '-detached'], [ctl, 'await_startup', '--timeout', '120']] }
        : undefined,
    manualFix: 'Start RabbitMQ (`rabbitmq-server -detached`, then `rabbitmqctl await_startup`), or set EDX_AMQP_URL to a running broker.',
  };
}

/** The management HTTP API, through which vhosts and per-system users are provisioned. */
export function managementPrerequisite(managementUrl: string, amqpUrl: string): Prerequisite {
  const url = new URL(managementUrl);
  const plugins = findTool('rabbitmq-plugins');
  const brokerIsLocal = isLocalHost(new URL(amqpUrl).hostname) && isLocalHost(url.hostname);
  const base = `${url.protocol}//${url.host}`;
  return {
    name: `the RabbitMQ management API at ${base}`,
    async check() {
      const authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username || 'guest')}:${decodeURIComponent(url.password || 'guest')}`).toString('base64')}`;
      try {
        const res = await fetch(`${base}/api/overview`, { headers: { authorization }, signal: AbortSignal.timeout(3000) });
        if (res.ok) return { met: true };
        return { met: false, problem: `The RabbitMQ management API at ${base} answered ${res.status} (the user in EDX_AMQP_MANAGEMENT_URL must be an administrator)`, fixable: false };
      } catch {
        return { met: false, problem: `The RabbitMQ management API cannot be reached at ${base} (its plugin is off)`, fixable: true };
      }
    },
    localFix: brokerIsLocal && plugins ? { says: 'enabling its plugin (edx provisions vhosts and users through it)', commands: [[plugins, 'enable', 'rabbitmq_management']] } : undefined,
    manualFix: 'On the broker host run `rabbitmq-plugins enable rabbitmq_management`, or set EDX_AMQP_MANAGEMENT_URL to where its API listens.',
  };
}

/** Packages near 100 MiB travel as one message (~134 MiB of edXML): over RabbitMQ's 128 MiB default. */
export const BROKER_MAX_MESSAGE_BYTES = 268_435_456;

/** A local broker's max_message_size, read with rabbitmqctl; undefined when it cannot be read here. */
export function brokerMaxMessageBytes(amqpUrl: string): number | undefined {
  const ctl = findTool('rabbitmqctl');
  if (!isLocalHost(new URL(amqpUrl).hostname) || !ctl) return undefined;
  const { ok, output } = runCommand([ctl, '-q', 'eval', 'application:get_env(rabbit, max_message_size).']);
  const value = /\{ok,(\d+)\}/.exec(output)?.[1];
  return ok ? (value ? Number(value) : 134_217_728) : undefined;
}

export function messageSizePrerequisite(amqpUrl: string): Prerequisite {
  const ctl = findTool('rabbitmqctl');
  const local = isLocalHost(new URL(amqpUrl).hostname) && ctl;
  const read = () => brokerMaxMessageBytes(amqpUrl);
  return {
    name: "the broker's largest message",
    optional: true,
    async check() {
      const size = read();
      if (size === undefined || size >= BROKER_MAX_MESSAGE_BYTES) return { met: true };
      return { met: false, problem: `the broker takes messages up to ${Math.round(size / 1048576)} MiB, less than a 100 MiB document needs`, fixable: true };
    },
    localFix: local ? { says: 'raising it until the broker restarts', commands: [[ctl, '-q', 'eval', `application:set_env(rabbit, max_message_size, ${BROKER_MAX_MESSAGE_BYTES}).`]] } : undefined,
    manualFix: `To keep it, add \`max_message_size = ${BROKER_MAX_MESSAGE_BYTES}\` to rabbitmq.conf.`,
  };
}

/**
 * The broker's TLS listener (5671) with client certificates from the machine's dev transport CA,
 * which the hub, the console and the gateways connect to. On a local broker `edx up` sets it up
 * with the code of `edx broker tls` and prints every change.
 */
export function brokerTlsPrerequisite(amqpsUrl: string, caFile: string, apply: () => Promise<string[]>): Prerequisite {
  const url = new URL(amqpsUrl);
  const port = Number(url.port || 5671);
  const local = isLocalHost(url.hostname) && findTool('rabbitmqctl');
  return {
    name: `RabbitMQ's TLS listener at ${url.hostname}:${port}`,
    async check() {
      if (!existsSync(caFile)) return { met: false, problem: `there is no dev transport CA for the broker (${caFile})`, fixable: true };
      return (await tcpOpen(url.hostname, port))
        ? { met: true }
        : { met: false, problem: `RabbitMQ has no TLS listener at ${url.hostname}:${port}`, fixable: true };
    },
    localFix: local ? { says: "setting up the broker's TLS listener with client certificates (what `npx edx broker tls` does)", commands: [], apply } : undefined,
    manualFix: 'Run `npx edx broker tls` on the broker host (as a user who may write /etc/rabbitmq), or set the broker up as README "Transport security" says.',
  };
}
