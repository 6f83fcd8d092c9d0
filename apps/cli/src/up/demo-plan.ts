import path from 'node:path';
import { CliSettings } from '../cli.env';
import { DemoSystem, demoSystems } from '../demo/demo-setup';

/** Everything the demo exchange of one `.edx/` folder consists of, by name: what `edx up` makes, checks and resets. */
export interface DemoPlan {
  readonly dir: string;
  /** Where a first run builds `.edx/` before it is complete (never trusted, removed at the next start). */
  readonly stagingDir: string;
  readonly amqpUrl: string;
  readonly vhost: string;
  readonly managementUrl: string;
  readonly hubDatabaseUrl: string;
  readonly systems: readonly DemoSystem[];
  readonly ports: { readonly console: number; readonly hub: number };
  /** The hub's and the console's broker users (broker users are global: the demo prefix keeps two demos apart). */
  readonly serviceUsers: { readonly hub: string; readonly console: string };
}

export function demoPlan(settings: CliSettings, dir: string): DemoPlan {
  const absolute = path.resolve(dir);
  return {
    dir: absolute,
    stagingDir: `${absolute}.unfinished`,
    amqpUrl: settings.amqpUrl,
    vhost: decodeURIComponent(new URL(settings.amqpUrl).pathname.slice(1)) || '/',
    managementUrl: settings.managementUrl,
    hubDatabaseUrl: settings.hubDatabaseUrl,
    systems: demoSystems({ databaseRoot: settings.databaseRoot, ports: settings.ports.gateways, prefix: settings.demoSystemPrefix }),
    ports: { console: settings.ports.console, hub: settings.ports.hub },
    serviceUsers: { hub: `${settings.demoSystemPrefix}edx-hub`, console: `${settings.demoSystemPrefix}edx-console` },
  };
}

/** "database edx_hub" from a URL, for messages. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** The broker URL of the plan with a service user's credentials in it. */
export function amqpUrlAs(plan: DemoPlan, user: string, password: string): string {
  const url = new URL(plan.amqpUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}
