/**
 * `npm run bench:trust`: how many envelope and PDF signature verifications per second a typical 4 KiB
 * package allows, next to the raw RSA-2048 verify rates (Node's native crypto and node-forge)
 * measured in the same run. `--json FILE` writes the figures.
 */
import { createSign, generateKeyPairSync, randomUUID, verify as nativeVerify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import forge from 'node-forge';
import { buildPackage, parseEdxml } from '@edx/edxml';
import { TrustStore, createDevPki, makePdf, signPdf, verifyDocumentSignatures, verifyEnvelope, writeSignedPackage } from '../src';

function rate(label: string, seconds: number, work: () => void): { label: string; perSecond: number } {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  const started = process.hrtime.bigint();
  while (process.hrtime.bigint() < deadline) {
    work();
    n++;
  }
  const perSecond = n / (Number(process.hrtime.bigint() - started) / 1e9);
  process.stdout.write(`${label.padEnd(46)} ${Math.round(perSecond).toString().padStart(8)} /s\n`);
  return { label, perSecond };
}

const seconds = Number(process.env.EDX_BENCH_SECONDS ?? 3);
const code = '000.00.00.G22';
const pki = createDevPki();
const org = pki.issue({ code, name: 'Văn phòng Chính phủ' });
const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [pki.crlPem()]);
const pdf = signPdf(makePdf('Công văn'), org.identity);
const { package: pkg, attachments } = buildPackage({ from: code, to: ['000.00.00.H41', '000.00.00.H53'], subject: 'Thử nghiệm hiệu năng', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn', files: [{ name: 'cv.pdf', contentType: 'application/pdf', bytes: pdf }] });
const packageId = randomUUID();
const packageBytes = writeSignedPackage(pkg, attachments, org.identity, packageId);
const parsed = parseEdxml(packageBytes);
if (parsed.kind !== 'package') throw new TypeError('not a package');
const options = { trustStore: store, senderCode: code, messageId: packageId };

process.stdout.write(`package ${packageBytes.length} bytes (PDF ${pdf.length} bytes), ${seconds} s per line\n`);
const results = [
  rate('parse + verify envelope (4 KiB package)', seconds, () => {
    const p = parseEdxml(packageBytes);
    if (!verifyEnvelope(p, options).ok) throw new TypeError('envelope');
  }),
  rate('verify envelope only', seconds, () => void verifyEnvelope(parsed, options)),
  rate('sign envelope (write signed package)', seconds, () => void writeSignedPackage(pkg, attachments, org.identity, packageId)),
  rate('verify PDF signatures (policy main)', seconds, () => {
    if (!verifyDocumentSignatures(parsed.attachments, { ...options, policy: { requireOrganisationSignature: 'main' } }).ok) throw new TypeError('pdf');
  }),
];
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const data = Buffer.alloc(512, 7);
const signature = createSign('sha256').update(data).sign(privateKey);
const native = rate('raw RSA-2048 verify, Node native', seconds, () => void nativeVerify('sha256', data, publicKey, signature));
const forgeKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
const digest = forge.md.sha256.create().update(data.toString('binary')).digest().bytes();
const forgeSignature = signature.toString('binary');
const forgeRate = rate('raw RSA-2048 verify, node-forge', seconds, () => void forgeKey.verify(digest, forgeSignature));
const nativeSign = rate('raw RSA-2048 sign, Node native', seconds, () => void createSign('sha256').update(data).sign(privateKey));

const [full, envelope, signing, pdfs] = results;
const summary = {
  packageBytes: packageBytes.length,
  envelopeVerificationsPerSecond: Math.round(full.perSecond),
  envelopeOnlyPerSecond: Math.round(envelope.perSecond),
  envelopeSignPerSecond: Math.round(signing.perSecond),
  pdfVerificationsPerSecond: Math.round(pdfs.perSecond),
  nativeRsaVerifyPerSecond: Math.round(native.perSecond),
  forgeRsaVerifyPerSecond: Math.round(forgeRate.perSecond),
  nativeRsaSignPerSecond: Math.round(nativeSign.perSecond),
};
process.stdout.write(
  `\nparse+envelope at ${(full.perSecond / native.perSecond * 100).toFixed(1)}% of the raw native verify rate; ` +
    `native verify is ${(native.perSecond / forgeRate.perSecond).toFixed(0)}x node-forge's\n`,
);
const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0 && process.argv[jsonAt + 1]) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(summary, null, 2));
