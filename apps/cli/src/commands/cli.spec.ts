import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage, serializeEnvelope, writeEdxml } from '@edx/edxml';
import { sdkStylePrefixedPackage, sdkStylePrefixedStatus } from '@edx/testing';
import { Certificate, DevPki, DevRevocationServer, makePdf, signPdf } from '@edx/trust';
import { Command, CommandResult, UsageError } from '../command';
import { COMMANDS } from './index';

const ROOT = path.resolve(__dirname, '../../../..');
const AGENCY = '000.00.00.G22';

function command(name: string): Command {
  return COMMANDS.find((c) => c.name === name)!;
}

async function run(name: string, ...args: string[]): Promise<CommandResult> {
  return command(name).run({ args, json: true, print: () => undefined });
}

describe('the edx CLI', () => {
  let dir: string;
  let pki: string;
  let org: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'edx-cli-'));
    pki = path.join(dir, 'pki');
    await run('pki init', '--dir', pki);
    org = path.join(dir, 'org');
    await run('pki issue', '--dir', pki, '--code', AGENCY, '--name', 'Văn phòng Chính phủ', '--out', org);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const signingArgs = () => ['--key', path.join(org, 'key.pem'), '--cert', path.join(org, 'cert.pem')];

  function signedPdfFile(name = 'doc.pdf'): Promise<string> {
    const file = path.join(dir, name);
    writeFileSync(file, makePdf('Quyết định'));
    return run('pdf sign', file, ...signingArgs()).then((r) => r.out as string);
  }

  async function signedPackageFile(): Promise<string> {
    const { package: pkg, attachments } = buildPackage({
      from: AGENCY, to: ['000.00.00.H41'], subject: 'Thử', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn',
      files: [{ name: 'doc.pdf', contentType: 'application/pdf', bytes: readFileSync(await signedPdfFile('for-package.pdf')) }],
    });
    const unsigned = path.join(dir, 'package.edxml');
    writeFileSync(unsigned, writeEdxml(serializeEnvelope(pkg), attachments));
    return (await run('sign', unsigned, ...signingArgs())).out as string;
  }

  it('refuses to replace an existing dev PKI without --force', async () => {
    await expect(run('pki init', '--dir', pki)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('signs a PDF and verifies it against the dev PKI', async () => {
    const result = await run('verify', await signedPdfFile(), '--trust', pki);
    expect(result).toMatchObject({ ok: true, signatures: [expect.objectContaining({ ok: true, signer: expect.objectContaining({ agencyCode: AGENCY, kind: 'organisation' }) })] });
  });

  it('signs an edXML package; verify passes, and fails with DIGEST_MISMATCH once altered', async () => {
    const file = await signedPackageFile();
    expect(await run('verify', file, '--trust', pki)).toMatchObject({ ok: true });
    const altered = path.join(dir, 'altered.edxml');
    writeFileSync(altered, readFileSync(file, 'utf8').replace('<Subject>Thử</Subject>', '<Subject>Sửa</Subject>'));
    expect(await run('verify', altered, '--trust', pki)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
  });

  it('takes --at as the validation time: an envelope (no signing time of its own) is CERT_NOT_YET_VALID before the certificate existed', async () => {
    expect(await run('verify', await signedPackageFile(), '--trust', pki, '--at', '2001-01-01T00:00:00Z')).toMatchObject({ ok: false, code: 'CERT_NOT_YET_VALID' });
  });

  it('judges a PDF signature at --at, the provable time, never at the signing time the signer wrote (reported as claimed)', async () => {
    const result = await run('verify', await signedPdfFile(), '--trust', pki, '--at', '2001-01-01T00:00:00Z');
    expect(result).toMatchObject({
      ok: false,
      code: 'CERT_NOT_YET_VALID',
      signatures: [expect.objectContaining({ judgedAt: new Date('2001-01-01T00:00:00Z'), judgedBy: 'verifier', claimedSigningTime: expect.any(Date), validAtJudgedTime: false })],
    });
  });

  it('reports CERT_REVOKED after `pki revoke`', async () => {
    const person = path.join(dir, 'revoked');
    const issued = await run('pki issue', '--dir', pki, '--code', AGENCY, '--name', 'Văn phòng Chính phủ', '--out', person);
    const file = path.join(dir, 'to-revoke.pdf');
    writeFileSync(file, makePdf('x'));
    const signed = (await run('pdf sign', file, '--key', path.join(person, 'key.pem'), '--cert', path.join(person, 'cert.pem'))).out as string;
    await run('pki revoke', '--dir', pki, '--serial', issued.serialNumber as string);
    expect(await run('verify', signed, '--trust', pki)).toMatchObject({ ok: false, code: 'CERT_REVOKED' });
  });

  it('with --online asks the OCSP responder a certificate names; offline it can only use the CRLs in the folder', async () => {
    const devPki = DevPki.load(pki);
    const server = await DevRevocationServer.start(devPki);
    try {
      const signer = devPki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', revocation: server.urls('ocsp') });
      devPki.revoke(signer.serialNumber, new Date(Date.now() - 60_000));
      const file = path.join(dir, 'ocsp-signed.pdf');
      writeFileSync(file, signPdf(makePdf('OCSP'), signer.identity));
      // Anchors only, no CRL: offline, nothing says the certificate was revoked.
      const anchors = path.join(dir, 'anchors-only');
      mkdirSync(anchors, { recursive: true });
      writeFileSync(path.join(anchors, 'root.pem'), devPki.rootCertificatePem);
      writeFileSync(path.join(anchors, 'intermediate.pem'), devPki.intermediateCertificatePem);
      expect(await run('verify', file, '--trust', anchors)).toMatchObject({ ok: true });
      expect(await run('verify', file, '--trust', anchors, '--online')).toMatchObject({ ok: false, code: 'CERT_REVOKED' });
      expect(server.requests.ocsp).toBe(1);
      server.respondWith({ httpStatus: 503 });
      const other = devPki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', revocation: server.urls('ocsp') });
      writeFileSync(file, signPdf(makePdf('OCSP down'), other.identity));
      expect(await run('verify', file, '--trust', anchors, '--online')).toMatchObject({ ok: false, code: 'REVOCATION_UNKNOWN' });
    } finally {
      await server.close();
    }
  });

  it('writes the revocation pointers it is given into the certificate, and refuses one that is not an http(s) URL', async () => {
    const out = path.join(dir, 'with-urls');
    await run('pki issue', '--dir', pki, '--code', AGENCY, '--name', 'Văn phòng Chính phủ', '--out', out, '--crl-url', 'http://ca.example.vn/crl', '--ocsp-url', 'http://ocsp.example.vn');
    const cert = Certificate.from(readFileSync(path.join(out, 'cert.pem'), 'utf8'));
    expect([cert.crlUrls, cert.ocspUrls]).toEqual([['http://ca.example.vn/crl'], ['http://ocsp.example.vn']]);
    await expect(run('pki issue', '--dir', pki, '--code', AGENCY, '--name', 'x', '--out', out, '--ocsp-url', 'ldap://ca')).rejects.toBeInstanceOf(UsageError);
  });

  it('loads the identity from the PKCS#12 file too', async () => {
    const holder = path.join(dir, 'p12');
    const issued = await run('pki issue', '--dir', pki, '--code', AGENCY, '--name', 'Văn phòng Chính phủ', '--out', holder);
    const file = path.join(dir, 'p12.pdf');
    writeFileSync(file, makePdf('p12'));
    const signed = await run('pdf sign', file, '--p12', path.join(holder, `${AGENCY}.p12`), '--password', issued.pkcs12Password as string);
    expect((await run('verify', signed.out as string, '--trust', pki)).ok).toBe(true);
  });

  it("reports the reference SDK's placeholder as SIGNATURE_PLACEHOLDER", async () => {
    const file = path.join(dir, 'sdk-style-placeholder.edxml');
    writeFileSync(file, sdkStylePrefixedPackage('new'));
    const result = await run('verify', file, '--trust', pki);
    expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_PLACEHOLDER' });
  });

  it('validates structure: a good package passes, a broken one lists its problems', async () => {
    expect(await run('validate', await signedPackageFile())).toMatchObject({ ok: true, kind: 'package' });
    const bad = path.join(dir, 'bad.edxml');
    writeFileSync(bad, readFileSync(await signedPackageFile(), 'utf8').replace(/<Subject>[^<]*<\/Subject>/, ''));
    expect(await run('validate', bad)).toMatchObject({ ok: false, code: 'EDXML_REQUIRED' });
  });

  it('throws a usage error (exit 2) for missing arguments', async () => {
    await expect(run('pki issue', '--dir', pki)).rejects.toBeInstanceOf(UsageError);
    await expect(run('verify')).rejects.toBeInstanceOf(UsageError);
  });

  it('exits 0 on success, 1 on a failed check and 2 on a usage error, with one JSON object on stdout', async () => {
    const edx = (...args: string[]) => spawnSync(process.execPath, ['-r', path.join(ROOT, 'test/support/register-ts.js'), path.join(ROOT, 'apps/cli/src/main.ts'), ...args], { encoding: 'utf8' });
    const ok = edx('validate', await signedPackageFile(), '--json');
    expect([ok.status, JSON.parse(ok.stdout).ok]).toEqual([0, true]);
    const unsignedStatus = path.join(dir, 'sdk-style-status-01.edxml');
    writeFileSync(unsignedStatus, sdkStylePrefixedStatus('01'));
    const failed = edx('verify', unsignedStatus, '--trust', pki, '--json');
    expect([failed.status, JSON.parse(failed.stdout).code]).toEqual([1, 'SIGNATURE_MISSING']);
    const usage = edx('verify', '--nope', '--json');
    expect([usage.status, JSON.parse(usage.stdout).code]).toEqual([2, 'USAGE']);
  });
});
