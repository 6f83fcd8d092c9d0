import { randomUUID } from 'node:crypto';
import { buildPackage } from '@edx/edxml';
import { SigningIdentity, writeSignedPackage } from '@edx/trust';

type File = { name: string; contentType: string; bytes: Buffer; description?: string };

/**
 * A package signed by `identity` for `packageId` (default: a new UUID) as a gateway would send it
 * (tests publish it straight to the broker, under that id: see signedIdOf). `files` come after the PDF.
 */
export function signedPackage(input: { from: string; to: string[]; pdf: Buffer; identity: SigningIdentity; subject?: string; packageId?: string; files?: File[] }): Buffer {
  const { package: pkg, attachments } = buildPackage({
    from: input.from,
    to: input.to,
    subject: input.subject ?? 'Gói tin thử nghiệm',
    codeNumber: String(Math.floor(Math.random() * 100000)),
    codeNotation: 'TEST',
    typeName: 'Công văn',
    files: [{ name: 'van-ban.pdf', contentType: 'application/pdf', bytes: input.pdf }, ...(input.files ?? [])],
  });
  return writeSignedPackage(pkg, attachments, input.identity, input.packageId ?? randomUUID());
}

/** The package id the body's envelope signature claims to bind (unverified), the id its gateway would publish it under. */
export function signedIdOf(body: Buffer): string | undefined {
  return /<edx:Package [^>]*PackageId="([^"]+)"/.exec(body.toString('utf8'))?.[1];
}

/** The same package with one byte of its (base64) attachment changed after signing. */
export function alterAttachment(pkg: Buffer): Buffer {
  const text = pkg.toString('utf8');
  const start = text.indexOf('ContentTransferEncoded>') + 'ContentTransferEncoded>'.length + 40;
  const replacement = text[start] === 'A' ? 'B' : 'A';
  return Buffer.from(text.slice(0, start) + replacement + text.slice(start + 1), 'utf8');
}

export const newPackageId = () => randomUUID();
