import { Command } from '../command';
import { CommandGroup } from '../help';
import { auditCheckpointCommand } from './audit-checkpoint.command';
import { auditVerifyCommand } from './audit-verify.command';
import { benchCommand } from './bench.command';
import { brokerTlsCommand } from './broker-tls.command';
import { databaseTlsCommand } from './database-tls.command';
import { agencyAddCommand, agencyCertAddCommand, agencyCertListCommand, agencyCertRetireCommand, agencyExportCommand, agencyHistoryCommand, agencyImportCommand, agencyListCommand, agencyResumeCommand, agencyRetireCommand, agencySuspendCommand } from './agency.commands';
import { gatewayEnrolCommand, gatewayKeyCommand } from './gateway.commands';
import { pdfSignCommand } from './pdf-sign.command';
import { proofExportCommand, proofVerifyCommand } from './proof.commands';
import { pkiInitCommand } from './pki-init.command';
import { pkiIssueCommand } from './pki-issue.command';
import { pkiRevokeCommand } from './pki-revoke.command';
import { sendCommand } from './send.command';
import { signCommand } from './sign.command';
import { systemAddCommand, systemListCommand, systemTokenCommand } from './system.commands';
import { traceCommand } from './trace.command';
import { trustAddCommand } from './trust.commands';
import { upCommand } from './up.command';
import { userAddCommand, userListCommand, userRevokeCommand } from './user.commands';
import { validateCommand } from './validate.command';
import { verifyCommand } from './verify.command';

/** Every verb, under the headings `edx help` lists them by. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { title: 'Run the demo', commands: [upCommand, brokerTlsCommand, databaseTlsCommand] },
  { title: 'Documents: check, sign and send', commands: [validateCommand, verifyCommand, proofVerifyCommand, pdfSignCommand, signCommand, sendCommand] },
  { title: 'Development PKI (tests and demos only)', commands: [pkiInitCommand, pkiIssueCommand, pkiRevokeCommand] },
  { title: 'Onboarding: trust, connected systems and their gateways', commands: [trustAddCommand, systemAddCommand, systemTokenCommand, systemListCommand, gatewayEnrolCommand, gatewayKeyCommand] },
  { title: 'Agency directory (through the console API)', commands: [agencyListCommand, agencyAddCommand, agencySuspendCommand, agencyResumeCommand, agencyRetireCommand, agencyHistoryCommand, agencyImportCommand, agencyExportCommand, agencyCertAddCommand, agencyCertListCommand, agencyCertRetireCommand] },
  { title: 'Console accounts (through the console API)', commands: [userAddCommand, userListCommand, userRevokeCommand] },
  { title: 'Operations (through the console API)', commands: [traceCommand, auditVerifyCommand, auditCheckpointCommand, proofExportCommand] },
  { title: 'Measure', commands: [benchCommand] },
];

export const COMMANDS: readonly Command[] = COMMAND_GROUPS.flatMap((g) => g.commands);
