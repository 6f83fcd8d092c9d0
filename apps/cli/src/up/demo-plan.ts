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
  };
}

/** "database edx_hub" from a URL, for messages. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
