import { existsSync } from 'node:fs';
import { ErrorCode } from '@edx/common';
import { parseEdxml } from '@edx/edxml';
import { DEFAULT_TRUST_OPTIONS, RevocationService, SignaturePolicy, TrustStore, hasPdfHeader, verifyDocumentSignatures, verifyEnvelope, verifyPdf, withFreshRevocation } from '@edx/trust';
import { Command, CommandResult, OptionTable, UsageError, parseOptions } from '../command';
import { readInput } from '../output/files';
import { describeSignature } from '../output/signature-report';

const POLICIES = ['main', 'every', 'none'] as const;

const options = {
  trust: { type: 'string', value: 'DIR', help: 'a folder of trust anchor, intermediate and CRL PEM files (default: .edx/pki when it exists, as after `npm start`)' },
  at: { type: 'string', value: 'TIME', help: 'the provable time to judge signatures at instead of now (e.g. an attested receipt time), ISO 8601, e.g. 2025-01-31T09:00:00+07:00; a PDF\'s own claimed signing time is never used' },
  online: { type: 'boolean', help: 'also ask the OCSP responders and CRL distribution points the certificates name (default: offline, only the CRLs in the trust folder); an answer that cannot be had is REVOCATION_UNKNOWN' },
  tsa: { type: 'string', value: 'DIR', help: 'a folder of time-stamping authority anchor (and intermediate) PEM files: a PDF signature time-stamped by one of them is judged at the time-stamp' },
  'package-id': { type: 'string', value: 'ID', help: 'the id the package (or status) travels under: the envelope signature must bind it (default: the signed id is reported, not checked)' },
  policy: {
    type: 'string', value: 'main|every|none', default: 'main',
    help: 'which PDFs must carry a valid signature of the sending organisation: the first (main) one, every one, or none',
  },
} as const satisfies OptionTable;

/** The trust folder of --trust, or .edx/pki when it exists; `revocation`: ask online too. */
export function trustStore(dir: string | undefined, revocation?: RevocationService): TrustStore {
  const chosen = dir ?? (existsSync('.edx/pki') ? '.edx/pki' : undefined);
  if (!chosen) throw new UsageError('give --trust DIR (a folder of trust anchor, intermediate and CRL PEM files)');
  return TrustStore.fromDirectory(chosen, { ...DEFAULT_TRUST_OPTIONS, revocation });
}

/** `edx verify FILE`: every signature in an edXML package, status message or PDF, and the policy. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify the signatures of an edXML package, a status message or a PDF (offline, or --online for revocation)',
  usage: 'verify FILE [--trust DIR] [--online] [--at TIME] [--tsa DIR] [--package-id ID] [--policy main|every|none] [--json]',
  description:
    'Verifies (offline, unless --online) every signature in FILE: an edXML package (the envelope signature, which must be the sending agency\'s, and each PDF\'s signatures), a status message, or a PDF. ' +
    'Each signature is checked against the trust folder: certificate chain, validity at a provable time (--at, default now, or the time-stamp of a TSA in --tsa) and now, revocation (the CRLs in the folder; with --online also OCSP and CRL distribution points), key usage. ' +
    'The envelope carries no signing time: it is judged at --at (default now), and the package id it is signed for is reported (checked with --package-id). ' +
    'Exits 1 with the first failure\'s code (e.g. DIGEST_MISMATCH, CERT_REVOKED) when a signature or the policy fails.',
  options,
  examples: ['edx verify cong-van.pdf', 'edx verify package.edxml --trust .edx/pki --policy every', 'edx verify package.edxml --at 2025-01-31T09:00:00+07:00 --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, options);
    const at = values.at ? new Date(values.at) : undefined;
    if (at && Number.isNaN(at.getTime())) throw new UsageError(`--at ${values.at} is not a date/time`);
    const policy = values.policy as (typeof POLICIES)[number];
    if (!POLICIES.includes(policy)) throw new UsageError('--policy must be main, every or none');
    const bytes = readInput(positionals[0]);
    const online = values.online ? new RevocationService({ retryAfterMs: 0 }) : undefined;
    const store = trustStore(values.trust, online);
    const tsaTrust = values.tsa ? TrustStore.fromDirectory(values.tsa) : undefined;

    if (hasPdfHeader(bytes)) {
      const { reports, result } = await withFreshRevocation(online, () => ({
        reports: verifyPdf(bytes, { trustStore: store, tsaTrust, at, now: at }),
        result: verifyDocumentSignatures([{ name: positionals[0]!, bytes, contentType: 'application/pdf' }], { trustStore: store, tsaTrust, at, policy: { requireOrganisationSignature: policy } }),
      }));
      reports.forEach((r) => print(describeSignature(`signature ${r.index}`, r)));
      return outcome(result.ok, result.code, result.message, { signatures: reports });
    }

    const parsed = parseEdxml(bytes);
    const sender = parsed.kind === 'package' ? parsed.package.from.organId : parsed.status.from.organId;
    const verifyOptions = { trustStore: store, tsaTrust, at, senderCode: sender };
    const { envelope, documents } = await withFreshRevocation(online, () => ({
      envelope: verifyEnvelope(parsed, { ...verifyOptions, messageId: values['package-id'] ?? null }),
      documents: parsed.kind === 'package' ? verifyDocumentSignatures(parsed.attachments, { ...verifyOptions, policy: { requireOrganisationSignature: policy } as SignaturePolicy }) : undefined,
    }));
    print(describeSignature('envelope', envelope));
    if (envelope.signedId) print(`    signed for ${parsed.kind} id ${envelope.signedId}; judged at ${envelope.judgedAt.toISOString()} (the verifier's time: the envelope carries none)`);
    if (envelope.signedPackageId) print(`    answers package ${envelope.signedPackageId}`);
    const signed = { signedId: envelope.signedId, ...(envelope.signedPackageId ? { signedPackageId: envelope.signedPackageId } : {}), judgedAt: envelope.judgedAt.toISOString() };
    if (!documents) return outcome(envelope.ok, envelope.code, envelope.message, { envelope, ...signed });
    for (const report of documents.reports) report.signatures.forEach((s) => print(describeSignature(`${report.document} #${s.index}`, s)));
    const ok = envelope.ok && documents.ok;
    const first = !envelope.ok ? envelope : documents;
    return outcome(ok, first.code, ok ? `Envelope and ${documents.message}` : first.message, { envelope, ...signed, documents: documents.reports });
  },
};

function outcome(ok: boolean, code: ErrorCode | undefined, message: string, extra: Record<string, unknown>): CommandResult {
  return ok ? { ok, message, ...extra } : { ok, code: code ?? 'SIGNATURE_INVALID', message, ...extra };
}
