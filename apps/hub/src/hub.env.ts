import { amqpSettingsOf, amqpSettingsShape, checkAmqpSettings, httpServerSettingsOf, httpServerSettingsShape, keySettingsShape, loadSettings, verificationSettingsOf, verificationSettingsShape, setting, z } from '@edx/common';
import { devBrokerTlsPaths } from '@edx/messaging';
import { localDatabaseUrl } from '@edx/storage';

export const hubSettingsSchema = z
  .object({
    EDX_HOST: setting.text('127.0.0.1'),
    EDX_HUB_PORT: setting.port(8082),
    EDX_LOG_LEVEL: setting.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    ...amqpSettingsShape,
    EDX_HUB_DATABASE_URL: setting.url(localDatabaseUrl(devBrokerTlsPaths().caFile, 'edx_hub')),
    EDX_HUB_PREFETCH: setting.int(400, 1),
    EDX_HUB_BATCH_SIZE: setting.int(100, 1),
    EDX_HUB_BATCH_WAIT_MS: setting.int(0, 0),
    /** Batches of hub.inbound handled at once: one verifies while another waits for its commit or confirms. */
    EDX_HUB_BATCH_CONCURRENCY: setting.int(2, 1),
    EDX_HUB_ORGAN_ID: setting.text('edx.hub'),
    EDX_HUB_ORGAN_NAME: setting.text('edx exchange hub'),
    EDX_HUB_KEY_FILE: setting.text('.edx/pki/hub/key.pem'),
    EDX_HUB_CERT_FILE: setting.text('.edx/pki/hub/cert.pem'),
    EDX_SIGNATURE_POLICY: setting.oneOf(['main', 'every', 'none'], 'main'),
    EDX_DIRECTORY_CACHE_MS: setting.int(2000),
    /** A package to a suspended recipient: reject (02 AGENCY_SUSPENDED to the sender) or hold (kept in the database, sent on resume). */
    EDX_SUSPENDED_RECIPIENT: setting.oneOf(['reject', 'hold'], 'reject'),
    ...verificationSettingsShape,
    ...keySettingsShape,
    ...httpServerSettingsShape,
    /** The transport CA whose client certificates name connected systems: the blob API serves only them (unset: it serves nobody). */
    EDX_HUB_CLIENT_CA_FILE: setting.optionalText(),
    /** The largest attachment the blob API stores (the claim check of large documents). */
    EDX_MAX_ATTACHMENT_BYTES: setting.int(4 * 1024 ** 3, 1),
    /** A blob no accepted document names is removed once nobody has uploaded it for this long (a package may wait in an outbox that long). */
    EDX_BLOB_UNCLAIMED_DAYS: setting.int(7, 1),
    EDX_BLOB_SWEEP_INTERVAL_MS: setting.int(3_600_000, 1000),
    /** How often the hub looks for dead-letter replays an operator queued in the console. */
    EDX_HUB_REPLAY_POLL_MS: setting.int(500, 10),
    /** How often the hub signs a chain checkpoint and publishes it to every gateway (operators can ask for one sooner). */
    EDX_CHECKPOINT_INTERVAL_MS: setting.int(300_000, 1000),
    /** Tests only: hub:after-commit | hub:after-publish | hub:before-ack (libs/common CrashPoints). */
    EDX_TEST_CRASH_AT: setting.optionalText(),
    /** The bench's --stages: a folder where this process writes a timestamp per document per stage. */
    EDX_STAGE_LOG_DIR: setting.optionalText(),
  })
  .superRefine(checkAmqpSettings)
  .transform((env, ctx) => ({
    ...verificationSettingsOf(env),
    keyPassphraseFile: env.EDX_KEY_PASSPHRASE_FILE,
    host: env.EDX_HOST,
    port: env.EDX_HUB_PORT,
    http: httpServerSettingsOf(env, ctx, { file: env.EDX_HUB_CLIENT_CA_FILE, setting: 'EDX_HUB_CLIENT_CA_FILE' }),
    maxAttachmentBytes: env.EDX_MAX_ATTACHMENT_BYTES,
    blobSweep: { unclaimedDays: env.EDX_BLOB_UNCLAIMED_DAYS, intervalMs: env.EDX_BLOB_SWEEP_INTERVAL_MS },
    logLevel: env.EDX_LOG_LEVEL,
    amqp: amqpSettingsOf(env),
    databaseUrl: env.EDX_HUB_DATABASE_URL,
    prefetch: env.EDX_HUB_PREFETCH,
    batch: { maxSize: env.EDX_HUB_BATCH_SIZE, maxWaitMs: env.EDX_HUB_BATCH_WAIT_MS, concurrency: env.EDX_HUB_BATCH_CONCURRENCY },
    organId: env.EDX_HUB_ORGAN_ID,
    organName: env.EDX_HUB_ORGAN_NAME,
    identity: { keyFile: env.EDX_HUB_KEY_FILE, certFile: env.EDX_HUB_CERT_FILE },
    signaturePolicy: env.EDX_SIGNATURE_POLICY,
    directoryCacheMs: env.EDX_DIRECTORY_CACHE_MS,
    suspendedRecipient: env.EDX_SUSPENDED_RECIPIENT,
    replayPollMs: env.EDX_HUB_REPLAY_POLL_MS,
    checkpointIntervalMs: env.EDX_CHECKPOINT_INTERVAL_MS,
    crashAt: env.EDX_TEST_CRASH_AT,
    stageLogDir: env.EDX_STAGE_LOG_DIR,
  }));

export type HubSettings = z.infer<typeof hubSettingsSchema>;
export const loadHubSettings = (env?: Record<string, string | undefined>): HubSettings => loadSettings(hubSettingsSchema, env);
