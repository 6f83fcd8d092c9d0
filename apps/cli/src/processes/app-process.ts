import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { EdxError, Fetch, tlsFetch } from '@edx/common';

/** The checkout's root: the nearest folder above this file holding package.json (works from dist/ and from sources). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    if (path.dirname(dir) === dir) throw new EdxError('CONFIG_INVALID', `No edx checkout above ${__dirname}.`);
    dir = path.dirname(dir);
  }
  return dir;
}

/** How long an app may take to shut down after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 10_000;

export interface AppProcess {
  readonly name: string;
  /** https:// unless it was started with EDX_HTTP_PLAIN=true. */
  readonly url: string;
  /** An HTTPS client trusting the CA the app's certificate chains to. */
  readonly fetch: Fetch;
  readonly pid: number;
  readonly child: ChildProcess;
  /** SIGTERM (SIGKILL after STOP_GRACE_MS), then resolves when it exited. */
  stop(): Promise<void>;
  /** SIGKILL, then resolves when it exited. */
  kill(): Promise<void>;
  readonly exited: Promise<void>;
}

export interface LaunchOptions {
  readonly env: Record<string, string>;
  readonly port: number;
  readonly name?: string;
  /** `dist` runs the compiled app (npm run build); `sources` loads the TypeScript through SWC (tests). */
  readonly from?: 'dist' | 'sources';
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeFlags?: string[];
  readonly stdio?: 'inherit' | 'ignore';
  /** PEM of the transport CA the app's HTTPS certificate (EDX_HTTPS_CERT_FILE in `env`) chains to: how it is reached. */
  readonly ca?: string;
}

/** Starts hub, gateway or console as a child process listening on `port`. */
export function launchApp(app: 'hub' | 'gateway' | 'console', options: LaunchOptions): AppProcess {
  const root = projectRoot();
  const fromSources = options.from === 'sources';
  const register = fromSources ? path.join(root, 'bin/register-ts.js') : path.join(root, 'bin/register-paths.js');
  const entry = fromSources ? path.join(root, `apps/${app}/src/main.ts`) : path.join(root, `dist/apps/${app}/src/main.js`);
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '-r', register, entry], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit'],
  });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (alive()) child.kill('SIGKILL');
    await exited;
  };
  // As a supervisor does: SIGTERM, then SIGKILL if the app has not exited within its grace time.
  const stop = async () => {
    if (alive()) child.kill('SIGTERM');
    const timer = setTimeout(() => void kill(), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  const scheme = options.env.EDX_HTTP_PLAIN === 'true' ? 'http' : 'https';
  return { name: options.name ?? app, url: `${scheme}://127.0.0.1:${options.port}`, fetch: tlsFetch({ ca: options.ca }), pid: child.pid!, child, exited, stop, kill };
}

/** Resolves when the app's /health answers 200; rejects if it exits or the time runs out. */
export async function waitHealthy(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new EdxError('INTERNAL_ERROR', `${app.name} exited with code ${app.child.exitCode}; its log is above.`);
    try {
      if ((await app.fetch(`${app.url}/health`)).ok) return;
    } catch (error) {
      // Not listening yet; but a server the CA does not vouch for will not become trusted by waiting.
      if (error instanceof EdxError) throw error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new EdxError('INTERNAL_ERROR', `${app.name} did not become healthy at ${app.url} within ${timeoutMs / 1000} s.`);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
