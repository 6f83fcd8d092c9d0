import { existsSync } from 'node:fs';
import { ErrorCode } from '@edx/common';
import { parseEdxml } from '@edx/edxml';
import { SignaturePolicy, TrustStore, verifyDocumentSignatures, verifyEnvelope, verifyPdf } from '@edx/trust';
import { Command, CommandResult, UsageError, parseOptions } from '../command';
import { readInput } from '../output/files';
import { describeSignature } from '../output/signature-report';

const POLICIES = ['main', 'every', 'none'] as const;

function trustStore(dir: string | undefined): TrustStore {
  const chosen = dir ?? (existsSync('.edx/pki') ? '.edx/pki' : undefined);
  if (!chosen) throw new UsageError('give --trust DIR (a folder of trust anchor, intermediate and CRL PEM files)');
  return TrustStore.fromDirectory(chosen);
}

/** `edx verify FILE`: every signature in an edXML package, status message or PDF, and the policy. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify the signatures of an edXML package, a status message or a PDF (offline)',
  usage: 'verify FILE [--trust DIR] [--at TIME] [--policy main|every|none] [--json]',
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, { trust: { type: 'string' }, at: { type: 'string' }, policy: { type: 'string' } });
    const at = values.at ? new Date(values.at) : undefined;
    if (at && Number.isNaN(at.getTime())) throw new UsageError(`--at ${values.at} is not a date/time`);
    const policy = (values.policy ?? 'main') as (typeof POLICIES)[number];
    if (!POLICIES.includes(policy)) throw new UsageError('--policy must be main, every or none');
    const bytes = readInput(positionals[0]);
    const store = trustStore(values.trust);

    if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
      const reports = verifyPdf(bytes, { trustStore: store, at, now: at });
      reports.forEach((r) => print(describeSignature(`signature ${r.index}`, r)));
      const result = verifyDocumentSignatures([{ name: positionals[0]!, bytes, format: 'pdf' }], { trustStore: store, at, policy: { requireOrganisationSignature: policy } });
      return outcome(result.ok, result.code, result.message, { signatures: reports });
    }

    const parsed = parseEdxml(bytes);
    const sender = parsed.kind === 'package' ? parsed.package.from.organId : parsed.status.from.organId;
    const options = { trustStore: store, at, senderCode: sender };
    const envelope = verifyEnvelope(parsed.envelopeXml, parsed.kind === 'package' ? parsed.attachments : [], options);
    print(describeSignature('envelope', envelope));
    if (parsed.kind === 'status') return outcome(envelope.ok, envelope.code, envelope.message, { envelope });
    const documents = verifyDocumentSignatures(parsed.attachments, { ...options, policy: { requireOrganisationSignature: policy } as SignaturePolicy });
    for (const report of documents.reports) report.signatures.forEach((s) => print(describeSignature(`${report.document} #${s.index}`, s)));
    const ok = envelope.ok && documents.ok;
    const first = !envelope.ok ? envelope : documents;
    return outcome(ok, first.code, ok ? `Envelope and ${documents.message}` : first.message, { envelope, documents: documents.reports });
  },
};

function outcome(ok: boolean, code: ErrorCode | undefined, message: string, extra: Record<string, unknown>): CommandResult {
  return ok ? { ok, message, ...extra } : { ok, code: code ?? 'SIGNATURE_INVALID', message, ...extra };
}
