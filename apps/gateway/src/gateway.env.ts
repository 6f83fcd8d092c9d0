import { httpServerSettingsOf, httpServerSettingsShape, keySettingsShape, loadSettings, verificationSettingsOf, verificationSettingsShape, setting, z } from '@edx/common';

export const gatewaySettingsSchema = z
  .object({
    EDX_HOST: setting.text('127.0.0.1'),
    EDX_GATEWAY_PORT: setting.port(8081),
    EDX_LOG_LEVEL: setting.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    /** The connected system this gateway is: its broker credentials, hosted agencies and keys. */
    EDX_GATEWAY_CONFIG: setting.text('.edx/gateway.json'),
    /** Read a configuration's old `amqpUrl` (plain AMQP with a password); off: the broker only over TLS with the system's certificate. */
    EDX_AMQP_PLAIN_ALLOWED: setting.bool(false),
    EDX_GATEWAY_PREFETCH: setting.int(200, 1),
    EDX_GATEWAY_BATCH_SIZE: setting.int(50, 1),
    EDX_GATEWAY_BATCH_WAIT_MS: setting.int(0, 0),
    /** Batches of the inbox handled at once: one verifies while another waits for its commit. */
    EDX_GATEWAY_BATCH_CONCURRENCY: setting.int(2, 1),
    EDX_MAX_PACKAGE_BYTES: setting.int(160 * 1024 * 1024, 1024),
    EDX_SIGNATURE_POLICY: setting.oneOf(['main', 'every', 'none'], 'main'),
    /** Failed publishes of one outbox row (the broker refusing that message) before it is parked. */
    EDX_OUTBOX_MAX_ATTEMPTS: setting.int(20, 1),
    /** The broker's largest message (RabbitMQ's max_message_size): a package over it is refused at the API, never queued to be stuck. */
    EDX_BROKER_MAX_MESSAGE_BYTES: setting.int(128 * 1024 * 1024, 1024),
    /** Bodies up to this size may arrive before the API key is checked. */
    EDX_GATEWAY_UNAUTHENTICATED_BODY_BYTES: setting.int(64 * 1024, 0),
    EDX_GATEWAY_RATE_PER_SECOND: setting.int(200, 1),
    EDX_GATEWAY_RATE_BURST: setting.int(400, 1),
    EDX_GATEWAY_CONCURRENCY_PER_KEY: setting.int(32, 1),
    /** Tests only: gateway:after-commit | gateway:after-publish | gateway:before-mark (libs/common CrashPoints). */
    EDX_TEST_CRASH_AT: setting.optionalText(),
    /** The bench's --stages: a folder where this process writes a timestamp per document per stage. */
    EDX_STAGE_LOG_DIR: setting.optionalText(),
    /** The hub's identity: the agency code in the certificate that signs its receipt attestations and statuses. */
    EDX_HUB_ORGAN_ID: setting.text('edx.hub'),
    /** The hub's HTTPS address: its blob API, the claim-check store large attachments travel through. */
    EDX_HUB_URL: setting.url('https://127.0.0.1:8082'),
    /** An attachment larger than this travels by claim check (stored once at the hub, named by digest in a small package). */
    EDX_CLAIM_CHECK_ABOVE_BYTES: setting.int(8 * 1024 * 1024, 0),
    ...verificationSettingsShape,
    ...keySettingsShape,
    ...httpServerSettingsShape,
    /**
     * A CA (PEM) whose client certificates authenticate a DMS as the hosted agency their subject CN names,
     * beside API keys. Unset: no client certificate is asked for.
     */
    EDX_GATEWAY_CLIENT_CA_FILE: setting.optionalText(),
  })
  .transform((env, ctx) => ({
    ...verificationSettingsOf(env),
    keyPassphraseFile: env.EDX_KEY_PASSPHRASE_FILE,
    host: env.EDX_HOST,
    port: env.EDX_GATEWAY_PORT,
    http: httpServerSettingsOf(env, ctx, { file: env.EDX_GATEWAY_CLIENT_CA_FILE, setting: 'EDX_GATEWAY_CLIENT_CA_FILE' }),
    logLevel: env.EDX_LOG_LEVEL,
    configFile: env.EDX_GATEWAY_CONFIG,
    amqpPlainAllowed: env.EDX_AMQP_PLAIN_ALLOWED,
    prefetch: env.EDX_GATEWAY_PREFETCH,
    batch: { maxSize: env.EDX_GATEWAY_BATCH_SIZE, maxWaitMs: env.EDX_GATEWAY_BATCH_WAIT_MS, concurrency: env.EDX_GATEWAY_BATCH_CONCURRENCY },
    maxPackageBytes: env.EDX_MAX_PACKAGE_BYTES,
    hubUrl: env.EDX_HUB_URL.replace(/\/+$/, ''),
    claimCheckAboveBytes: env.EDX_CLAIM_CHECK_ABOVE_BYTES,
    signaturePolicy: env.EDX_SIGNATURE_POLICY,
    outboxMaxAttempts: env.EDX_OUTBOX_MAX_ATTEMPTS,
    brokerMaxMessageBytes: env.EDX_BROKER_MAX_MESSAGE_BYTES,
    /** What a package may weigh: the gateway's own limit or the broker's, whichever is smaller, and which one it is. */
    packageLimit:
      env.EDX_MAX_PACKAGE_BYTES <= env.EDX_BROKER_MAX_MESSAGE_BYTES
        ? { bytes: env.EDX_MAX_PACKAGE_BYTES, setting: 'EDX_MAX_PACKAGE_BYTES' }
        : { bytes: env.EDX_BROKER_MAX_MESSAGE_BYTES, setting: "EDX_BROKER_MAX_MESSAGE_BYTES, the broker's max_message_size" },
    unauthenticatedBodyBytes: env.EDX_GATEWAY_UNAUTHENTICATED_BODY_BYTES,
    crashAt: env.EDX_TEST_CRASH_AT,
    stageLogDir: env.EDX_STAGE_LOG_DIR,
    hubOrganId: env.EDX_HUB_ORGAN_ID,
    keyLimits: { ratePerSecond: env.EDX_GATEWAY_RATE_PER_SECOND, burst: env.EDX_GATEWAY_RATE_BURST, concurrency: env.EDX_GATEWAY_CONCURRENCY_PER_KEY },
  }));

export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;
export const loadGatewaySettings = (env?: Record<string, string | undefined>): GatewaySettings => loadSettings(gatewaySettingsSchema, env);
