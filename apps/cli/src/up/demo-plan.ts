import path from 'node:path';
import { CliSettings } from '../cli.env';
import { DemoSystem, demoSystems } from '../demo/demo-setup';

/** Everything the demo exchange of one `.edx/` folder consists of, by name: what `edx up` makes, checks and resets. */
export interface DemoPlan {
  readonly dir: string;
  /** Where a first run builds `.edx/` before it is complete (never trusted, removed at the next start). */
  readonly stagingDir: string;
  /** The broker and vhost as the settings name them (its plain listener is what `edx up` checks is running). */
  readonly amqpUrl: string;
  /** Where the hub, the console and the gateways connect: the same broker's TLS listener, by certificate. */
  readonly amqpsUrl: string;
  /** The machine's dev transport CA and the broker's TLS files (`edx broker tls`). */
  readonly brokerTlsDir: string;
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
    amqpsUrl: tlsUrlOf(settings.amqpUrl),
    brokerTlsDir: settings.brokerTlsDir,
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

/** The broker's TLS listener for a broker URL: amqps on 5671 of the same host and vhost, no credentials (the certificate names the user). */
export function tlsUrlOf(amqpUrl: string): string {
  const url = new URL(amqpUrl);
  if (url.protocol === 'amqp:') {
    url.port = '5671';
  }
  const tls = new URL(`amqps://${url.host}${url.pathname}`);
  return tls.toString();
}

/** Where a service user's broker certificate, key and CA are in the `.edx/` folder. */
export function serviceTransportDir(dir: string, user: string): string {
  return path.join(dir, 'transport', user);
}
