import { randomUUID } from 'node:crypto';
import { buildPackage } from '@edx/edxml';
import { SigningIdentity, writeSignedPackage } from '@edx/trust';

/** A package signed by `identity` as a gateway would send it (tests publish it straight to the broker). */
export function signedPackage(input: { from: string; to: string[]; pdf: Buffer; identity: SigningIdentity; subject?: string }): Buffer {
  const { package: pkg, attachments } = buildPackage({
    from: input.from,
    to: input.to,
    subject: input.subject ?? 'Gói tin thử nghiệm',
    codeNumber: String(Math.floor(Math.random() * 100000)),
    codeNotation: 'TEST',
    typeName: 'Công văn',
    files: [{ name: 'van-ban.pdf', contentType: 'application/pdf', bytes: input.pdf }],
  });
  return writeSignedPackage(pkg, attachments, input.identity);
}

/** The same package with one byte of its (base64) attachment changed after signing. */
export function alterAttachment(pkg: Buffer): Buffer {
  const text = pkg.toString('utf8');
  const start = text.indexOf('ContentTransferEncoded>') + 'ContentTransferEncoded>'.length + 40;
  const replacement = text[start] === 'A' ? 'B' : 'A';
  return Buffer.from(text.slice(0, start) + replacement + text.slice(start + 1), 'utf8');
}

export const newPackageId = () => randomUUID();
