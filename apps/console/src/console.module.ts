import { DynamicModule, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EdxError, HEALTH_CHECKS, HealthCheck, HealthController, Logger, METRICS_REGISTRY, createMetricsRegistry, readPassphraseFile } from '@edx/common';
import { AmqpConnection, BrokerAdmin, brokerConnectionOf, declareCoreTopology } from '@edx/messaging';
import { createHubDataSource, openDataSource } from '@edx/storage';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TransportCa } from '@edx/trust';
import { DataSource } from 'typeorm';
import { AgenciesController } from './agencies/agencies.controller';
import { AgencyContactsService } from './agencies/agency-contacts.service';
import { AgencyDirectoryRepository } from './agencies/agency-directory.repository';
import { AgencyCertificatesRepository } from './agencies/agency-certificates.repository';
import { CertificatesController } from './agencies/certificates.controller';
import { AgencyListController } from './agencies/agency-list.controller';
import { AgencyImportUseCase } from './agencies/agency-list/agency-import.usecase';
import { CodeHistoryService } from './agencies/code-history.service';
import { OnboardingService } from './agencies/onboarding.service';
import { ROLE_TOKENS, RoleGuard } from './auth/role.guard';
import { ConsoleSettings } from './console.env';
import { CrlsController } from './trust/crls.controller';
import { AuditController } from './audit/audit.controller';
import { ChainAuditService } from './audit/chain-audit.service';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeadLettersRepository } from './dead-letters/dead-letters.repository';
import { DeadLettersService } from './dead-letters/dead-letters.service';
import { AlarmsService } from './monitoring/alarms.service';
import { registerConsoleMetrics } from './monitoring/console.metrics';
import { MonitoringController } from './monitoring/monitoring.controller';
import { StatisticsService } from './monitoring/statistics.service';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsRepository } from './documents/documents.repository';
import { DocumentsService } from './documents/documents.service';
import { ChangeFeed } from './live/change-feed';
import { EventsController } from './live/events.controller';
import { DashboardController } from './web/dashboard.controller';
import { AuditLogController } from './audit/audit-log.controller';
import { AuditLogRepository } from './audit/audit-log.repository';
import { AccountDirectory } from './users/account-directory';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { SystemTokenGuard, SystemsController } from './systems/systems.controller';
import { SystemsService } from './systems/systems.service';

/** The console's connections: the hub database (shared with the hub) and an admin broker connection. */
class ConsoleResources implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly dataSource: DataSource;
  readonly amqp: AmqpConnection;
  readonly admin: BrokerAdmin;

  constructor(readonly settings: ConsoleSettings, logger: Logger) {
    this.dataSource = createHubDataSource({ url: settings.databaseUrl, poolSize: 4 });
    this.amqp = new AmqpConnection({ ...brokerConnectionOf(settings.amqp, readPassphraseFile(settings.keyPassphraseFile)), connectionName: 'edx-console' }, logger);
    this.admin = new BrokerAdmin({ managementUrl: settings.managementUrl, caFile: settings.managementCaFile });
  }

  async onApplicationBootstrap(): Promise<void> {
    await openDataSource(this.dataSource);
    await this.admin.ensureVhost(vhostOf(this.settings.amqp.url));
    // Inboxes bind to edx.deliver: the console may onboard before the hub ever ran.
    this.amqp.onTopology((ch) => declareCoreTopology(ch));
    await this.amqp.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.amqp.close().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The CA enrolment issues broker certificates from; none (enrolment refused, said at start) when its folder holds none. */
function transportCaOf(settings: ConsoleSettings, logger: Logger): TransportCa | undefined {
  if (!existsSync(path.join(settings.transportCaDir, 'ca.key'))) {
    logger.warn({ dir: settings.transportCaDir }, 'no transport CA: gateways cannot enrol until EDX_TRANSPORT_CA_DIR holds ca.key and ca.pem');
    return undefined;
  }
  return TransportCa.load(settings.transportCaDir);
}

/** What gateways check the broker's certificate against: the CA this console trusts for it. */
function brokerCaOf(settings: ConsoleSettings): string {
  const file = settings.amqp.tls?.caFile;
  return file && existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export function vhostOf(amqpUrl: string): string {
  const path = new URL(amqpUrl).pathname.replace(/^\//, '');
  return path ? decodeURIComponent(path) : '/';
}

@Module({})
export class ConsoleModule {
  static register(settings: ConsoleSettings, logger: Logger): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [HealthController, AgencyListController, AgenciesController, CertificatesController, SystemsController, CrlsController, DocumentsController, AuditController, DeadLettersController, MonitoringController, EventsController, DashboardController, UsersController, AuditLogController],
      providers: [
        { provide: ConsoleResources, useFactory: () => new ConsoleResources(settings, logger) },
        {
          provide: OnboardingService,
          useFactory: (r: ConsoleResources) => new OnboardingService(r.dataSource, r.amqp),
          inject: [ConsoleResources],
        },
        {
          provide: SystemsService,
          useFactory: (r: ConsoleResources) =>
            new SystemsService(r.dataSource, r.admin, r.amqp, vhostOf(settings.amqp.url), settings.amqpPublicUrl, settings.enrolmentTtlMs, transportCaOf(settings, logger), brokerCaOf(settings), settings.transportCertDays, settings.httpsCaDir ? TransportCa.load(settings.httpsCaDir) : undefined),
          inject: [ConsoleResources],
        },
        SystemTokenGuard,
        { provide: DocumentsRepository, useFactory: (r: ConsoleResources) => new DocumentsRepository(r.dataSource), inject: [ConsoleResources] },
        { provide: DocumentsService, useFactory: (repo: DocumentsRepository) => new DocumentsService(repo, settings.overdue), inject: [DocumentsRepository] },
        { provide: ChainAuditService, useFactory: (repo: DocumentsRepository) => new ChainAuditService(repo), inject: [DocumentsRepository] },
        { provide: DeadLettersService, useFactory: (r: ConsoleResources) => new DeadLettersService(new DeadLettersRepository(r.dataSource)), inject: [ConsoleResources] },
        {
          provide: AlarmsService,
          useFactory: (r: ConsoleResources) => new AlarmsService(r.dataSource, r.admin, vhostOf(settings.amqp.url), { ...settings.overdue, ...settings.alarms }),
          inject: [ConsoleResources],
        },
        { provide: StatisticsService, useFactory: (r: ConsoleResources) => new StatisticsService(r.dataSource), inject: [ConsoleResources] },
        { provide: ChangeFeed, useFactory: (r: ConsoleResources) => new ChangeFeed(r.dataSource, logger), inject: [ConsoleResources] },
        { provide: ROLE_TOKENS, useValue: settings.tokens },
        { provide: AccountDirectory, useFactory: (r: ConsoleResources) => new AccountDirectory(r.dataSource, settings.accountCacheMs), inject: [ConsoleResources] },
        { provide: UsersService, useFactory: (r: ConsoleResources, accounts: AccountDirectory) => new UsersService(r.dataSource, accounts), inject: [ConsoleResources, AccountDirectory] },
        { provide: AgencyDirectoryRepository, useFactory: (r: ConsoleResources) => new AgencyDirectoryRepository(r.dataSource), inject: [ConsoleResources] },
        { provide: AgencyCertificatesRepository, useFactory: (r: ConsoleResources) => new AgencyCertificatesRepository(r.dataSource, settings.alarms.expiryWarningDays), inject: [ConsoleResources] },
        { provide: AgencyContactsService, useFactory: (r: ConsoleResources) => new AgencyContactsService(r.dataSource), inject: [ConsoleResources] },
        { provide: CodeHistoryService, useFactory: (r: ConsoleResources) => new CodeHistoryService(r.dataSource, r.amqp), inject: [ConsoleResources] },
        { provide: AgencyImportUseCase, useFactory: (r: ConsoleResources) => new AgencyImportUseCase(r.dataSource, r.amqp), inject: [ConsoleResources] },
        { provide: AuditLogRepository, useFactory: (r: ConsoleResources) => new AuditLogRepository(r.dataSource), inject: [ConsoleResources] },
        RoleGuard,
        {
          provide: HEALTH_CHECKS,
          useFactory: (r: ConsoleResources): HealthCheck[] => [
            {
              name: 'broker',
              check: async () => {
                if (!r.amqp.isConnected) throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', 'The console is not connected to the broker.');
              },
            },
            { name: 'database', check: async () => void (await r.dataSource.query('SELECT 1')) },
          ],
          inject: [ConsoleResources],
        },
        {
          provide: METRICS_REGISTRY,
          useFactory: (alarms: AlarmsService, r: ConsoleResources) => {
            const registry = createMetricsRegistry('console');
            registerConsoleMetrics(registry, alarms, r.dataSource);
            return registry;
          },
          inject: [AlarmsService, ConsoleResources],
        },
      ],
    };
  }
}
