import { httpServerSettingsOf, httpServerSettingsShape, keySettingsShape, loadSettings, setting, z } from '@edx/common';

export const consoleSettingsSchema = z
  .object({
    EDX_HOST: setting.text('127.0.0.1'),
    EDX_CONSOLE_PORT: setting.port(8080),
    EDX_LOG_LEVEL: setting.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    EDX_AMQP_URL: setting.url('amqp://guest:guest@127.0.0.1:5672/edx'),
    EDX_AMQP_MANAGEMENT_URL: setting.url('http://guest:guest@127.0.0.1:15672'),
    /** Host and port gateways use to reach the broker (written into the credentials onboarding returns). */
    EDX_AMQP_PUBLIC_URL: setting.optionalText(),
    EDX_HUB_DATABASE_URL: setting.url('postgres://postgres@127.0.0.1:5432/edx_hub'),
    /** SHA-256 (hex) of the bootstrap administrator and operator bearer tokens (named accounts: `edx user add`). Unset: no bootstrap token for that role. */
    EDX_CONSOLE_ADMIN_TOKEN_SHA256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    EDX_CONSOLE_OPERATOR_TOKEN_SHA256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    /** How long a named account's sign-in is remembered: a revocation reaches every other console copy within it. */
    EDX_CONSOLE_ACCOUNT_CACHE_MS: setting.int(10_000, 0),
    /** A delivery without a 01 (arrived) this many minutes after routing is overdue (an alarm). */
    EDX_OVERDUE_ARRIVAL_MINUTES: setting.int(15, 1),
    /** A certificate or CRL expiring within this many days is an alarm. */
    EDX_EXPIRY_WARNING_DAYS: setting.int(30, 0),
    /** An inbox holding more than this many messages, and more than at the last look, is an alarm. */
    EDX_INBOX_BACKLOG_ALARM: setting.int(100, 0),
    ...keySettingsShape,
    ...httpServerSettingsShape,
  })
  .transform((env, ctx) => ({
    host: env.EDX_HOST,
    port: env.EDX_CONSOLE_PORT,
    http: httpServerSettingsOf(env, ctx),
    keyPassphraseFile: env.EDX_KEY_PASSPHRASE_FILE,
    logLevel: env.EDX_LOG_LEVEL,
    amqpUrl: env.EDX_AMQP_URL,
    amqpPublicUrl: env.EDX_AMQP_PUBLIC_URL ?? env.EDX_AMQP_URL,
    managementUrl: env.EDX_AMQP_MANAGEMENT_URL,
    databaseUrl: env.EDX_HUB_DATABASE_URL,
    overdue: { arrivalWithinMs: env.EDX_OVERDUE_ARRIVAL_MINUTES * 60_000 },
    alarms: { expiryWarningDays: env.EDX_EXPIRY_WARNING_DAYS, backlogThreshold: env.EDX_INBOX_BACKLOG_ALARM },
    tokens: { admin: env.EDX_CONSOLE_ADMIN_TOKEN_SHA256, operator: env.EDX_CONSOLE_OPERATOR_TOKEN_SHA256 },
    accountCacheMs: env.EDX_CONSOLE_ACCOUNT_CACHE_MS,
  }));

export type ConsoleSettings = z.infer<typeof consoleSettingsSchema>;
export const loadConsoleSettings = (env?: Record<string, string | undefined>): ConsoleSettings => loadSettings(consoleSettingsSchema, env);
