import { loadSettings, setting, z } from '@edx/common';
import { DEV_BROKER_TLS_DIR, devBrokerTlsPaths } from '@edx/messaging';
import { databaseUrl, localDatabaseUrl } from '@edx/storage';
import { DEV_DATABASE_TLS_DIR } from './database/local-database-tls';

/**
 * What `edx up` and the benchmark read from the environment (the same `EDX_*` names the apps read),
 * validated once. Defaults fit a machine that runs RabbitMQ and PostgreSQL locally.
 */
export const cliSettingsSchema = z
  .object({
    EDX_AMQP_URL: setting.url('amqp://guest:guest@127.0.0.1:5672/edx'),
    EDX_AMQP_MANAGEMENT_URL: setting.url('http://guest:guest@127.0.0.1:15672'),
    /** The PostgreSQL server (a user allowed to create databases); the demo's databases live there. Over TLS, trusting the machine's dev transport CA. */
    EDX_DATABASE_ROOT: setting.url(localDatabaseUrl(devBrokerTlsPaths().caFile)),
    EDX_HUB_DATABASE_URL: setting.optionalText(),
    EDX_CONSOLE_PORT: setting.port(8080),
    EDX_HUB_PORT: setting.port(8082),
    EDX_GATEWAY_PORT: setting.port(8081),
    EDX_SECOND_GATEWAY_PORT: setting.port(8083),
    /** Prefix of the demo's connected-system ids (broker users are global to a broker: two demos on one broker need two prefixes). */
    EDX_DEMO_SYSTEM_PREFIX: z.string().regex(/^[a-z0-9-]*$/, 'lower-case letters, digits and dashes').default(''),
    /** Tests only: the named point where `edx up` dies at once, with its children (see up/crash-point.ts). */
    EDX_TEST_CRASH_AT: setting.optionalText(),
    /** The local broker's TLS material and the machine's dev transport CA (`edx broker tls`). */
    EDX_BROKER_TLS_DIR: setting.text(DEV_BROKER_TLS_DIR),
    /** The local PostgreSQL's certificate and key (`edx database tls`). */
    EDX_DATABASE_TLS_DIR: setting.text(DEV_DATABASE_TLS_DIR),
    /** The local broker's configuration file, where `edx broker tls` writes its block. */
    EDX_RABBITMQ_CONF: setting.text('/etc/rabbitmq/rabbitmq.conf'),
    /** The benchmark's broker, its TLS listener (it makes a vhost of its own there; every process connects by certificate). */
    EDX_BENCH_AMQP_ROOT: setting.url('amqps://127.0.0.1:5671'),
  })
  .transform((env) => ({
    amqpUrl: env.EDX_AMQP_URL,
    managementUrl: env.EDX_AMQP_MANAGEMENT_URL,
    databaseRoot: env.EDX_DATABASE_ROOT,
    hubDatabaseUrl: env.EDX_HUB_DATABASE_URL ?? databaseUrl(env.EDX_DATABASE_ROOT, 'edx_hub'),
    ports: { console: env.EDX_CONSOLE_PORT, hub: env.EDX_HUB_PORT, gateways: [env.EDX_GATEWAY_PORT, env.EDX_SECOND_GATEWAY_PORT] as const },
    demoSystemPrefix: env.EDX_DEMO_SYSTEM_PREFIX,
    crashAt: env.EDX_TEST_CRASH_AT,
    benchAmqpRoot: env.EDX_BENCH_AMQP_ROOT,
    brokerTlsDir: env.EDX_BROKER_TLS_DIR,
    rabbitmqConf: env.EDX_RABBITMQ_CONF,
    databaseTlsDir: env.EDX_DATABASE_TLS_DIR,
  }));

export type CliSettings = z.infer<typeof cliSettingsSchema>;
export const loadCliSettings = (env?: Record<string, string | undefined>): CliSettings => loadSettings(cliSettingsSchema, env);
