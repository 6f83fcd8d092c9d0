import { Command } from '../command';
import { benchCommand } from './bench.command';
import { agencyAddCommand, agencyListCommand, agencyResumeCommand, agencySuspendCommand } from './agency.commands';
import { pdfSignCommand } from './pdf-sign.command';
import { pkiInitCommand } from './pki-init.command';
import { pkiIssueCommand } from './pki-issue.command';
import { pkiRevokeCommand } from './pki-revoke.command';
import { sendCommand } from './send.command';
import { signCommand } from './sign.command';
import { upCommand } from './up.command';
import { validateCommand } from './validate.command';
import { verifyCommand } from './verify.command';

export const COMMANDS: readonly Command[] = [
  upCommand,
  validateCommand,
  verifyCommand,
  signCommand,
  pkiInitCommand,
  pkiIssueCommand,
  pkiRevokeCommand,
  pdfSignCommand,
  sendCommand,
  agencyAddCommand,
  agencyListCommand,
  agencySuspendCommand,
  agencyResumeCommand,
  benchCommand,
];
