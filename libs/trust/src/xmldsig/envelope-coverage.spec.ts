import { randomUUID } from 'node:crypto';
import { ParsedPackage, appendTraceHop, buildPackage, buildStatus, parseEdxml } from '@edx/edxml';
import { DevPki, IssuedIdentity, TrustStore, createDevPki, verifyEnvelope, writeSignedPackage, writeSignedStatus } from '@edx/trust';

const SENDER = '000.00.00.G22';
const DAY = 24 * 3600 * 1000;
const PDF = Buffer.from('%PDF-1.4 van ban');
const ANNEX = Buffer.from('%PDF-1.4 phu luc');

type File = { name: string; contentType: string; bytes: Buffer; description?: string; contentId?: string };

/** What the envelope signature binds besides MessageHeader and Bussiness (docs/signatures.md). */
describe('what the envelope signature covers, exactly', () => {
  let pki: DevPki;
  let sender: IssuedIdentity;
  let store: TrustStore;
  const id = randomUUID();

  beforeAll(() => {
    pki = createDevPki();
    sender = pki.issue({ code: SENDER, name: 'Văn phòng Chính phủ' });
    store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  });

  const twoFiles: File[] = [
    { name: 'van-ban.pdf', contentType: 'application/pdf', bytes: PDF },
    { name: 'phu-luc.pdf', contentType: 'application/pdf', bytes: ANNEX, description: 'Phụ lục' },
  ];

  function signed(files: File[] = twoFiles, packageId = id): string {
    const { package: pkg, attachments } = buildPackage({ from: SENDER, to: ['000.00.00.H41'], subject: 'Thử', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn', files });
    return writeSignedPackage(pkg, attachments, sender.identity, packageId).toString('utf8');
  }
  const verify = (text: string, messageId: string | null = id, at?: Date) =>
    verifyEnvelope(parseEdxml(Buffer.from(text, 'utf8')) as ParsedPackage, { trustStore: store, senderCode: SENDER, messageId, at });

  const attachmentXml = (text: string, n: number) => [...text.matchAll(/<Attachment>[\s\S]*?<\/Attachment>/g)][n][0];
  const referenceXml = (text: string, n: number) => [...text.matchAll(/<Reference>[\s\S]*?<\/Reference>/g)][n][0];

  it('verifies what it signed, under the id it was signed for, and reports that id', () => {
    expect(verify(signed())).toMatchObject({ ok: true, signedId: id });
  });

  describe('each attachment, by its exact ContentId', () => {
    it('refuses an extra attachment cid:cid:1, listed in the manifest, placed before the real cid:1', () => {
      const text = signed([twoFiles[0]]);
      const extra = '<Attachment><ContentId>cid:cid:1</ContentId><AttachmentName>van-ban.pdf</AttachmentName><ContentType>application/pdf</ContentType>' +
        `<ContentTransferEncoded>${Buffer.from('%PDF-1.4 gia mao').toString('base64')}</ContentTransferEncoded></Attachment>`;
      const smuggled = text
        .replace('<edXMLManifest version="1.0">', '<edXMLManifest version="1.0"><Reference><ContentId>cid:cid:1</ContentId><ContentType>application/pdf</ContentType><AttachmentName>van-ban.pdf</AttachmentName></Reference>')
        .replace('<AttachmentEncoded>', `<AttachmentEncoded>${extra}`);
      expect(verify(smuggled)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    });

    it('binds a ContentId that itself starts with cid:cid: (nothing is stripped twice)', () => {
      expect(verify(signed([{ ...twoFiles[0], contentId: 'cid:cid:1' }]))).toMatchObject({ ok: true });
    });

    it('does not fold case: cid:A and cid:a are two attachments, and renaming one to the other breaks the signature', () => {
      const text = signed([{ ...twoFiles[0], contentId: 'cid:A' }, { ...twoFiles[1], contentId: 'cid:a' }]);
      expect(verify(text)).toMatchObject({ ok: true });
      expect(verify(text.split('<ContentId>cid:a</ContentId>').join('<ContentId>cid:b</ContentId>'))).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    });

    it.each([
      ['two attachments with one ContentId', 'cid:2'],
      ['ContentIds that differ only by a cid: prefix', '2'],
      ['ContentIds that differ only by the case of the cid: prefix', 'CID:2'],
    ])('refuses %s', (_what, second) => {
      const text = signed([{ ...twoFiles[0], contentId: 'cid:1' }, { ...twoFiles[1], contentId: 'cid:2' }]);
      const duplicate = attachmentXml(text, 1).replace('<ContentId>cid:2</ContentId>', `<ContentId>${second}</ContentId>`);
      expect(verify(text.replace('</AttachmentEncoded>', `${duplicate}</AttachmentEncoded>`))).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    });

    it('refuses two References to one attachment, and an attachment without its Reference', () => {
      const text = signed();
      const cid = /<ds:Reference URI="cid:2">[\s\S]*?<\/ds:Reference>/.exec(text)![0];
      expect(verify(text.replace(cid, cid + cid))).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID', message: expect.stringContaining('twice') });
      expect(verify(text.replace(cid, ''))).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH', message: expect.stringContaining('cid:2') });
    });
  });

  describe('the manifest, each attachment\'s name, type and description, and their order', () => {
    it.each([
      ['a renamed signed PDF (manifest and attachment)', (t: string) => t.split('<AttachmentName>van-ban.pdf</AttachmentName>').join('<AttachmentName>van-ban-moi.pdf</AttachmentName>')],
      ['a renamed attachment alone', (t: string) => t.replace('<AttachmentName>van-ban.pdf</AttachmentName><ContentType>', '<AttachmentName>khac.pdf</AttachmentName><ContentType>')],
      ['a renamed manifest Reference alone', (t: string) => t.replace('<AttachmentName>van-ban.pdf</AttachmentName></Reference>', '<AttachmentName>khac.pdf</AttachmentName></Reference>')],
      ['a changed content type', (t: string) => t.split('<ContentType>application/pdf</ContentType>').join('<ContentType>application/octet-stream</ContentType>')],
      ['a changed description', (t: string) => t.split('<Description>Phụ lục</Description>').join('<Description>Phụ lục (sửa)</Description>')],
      ['a description added', (t: string) => t.split('<AttachmentName>van-ban.pdf</AttachmentName>').join('<AttachmentName>van-ban.pdf</AttachmentName><Description>Mới</Description>')],
      ['a removed manifest Reference', (t: string) => t.replace(referenceXml(t, 1), '')],
      ['reordered attachments', (t: string) => t.replace(attachmentXml(t, 0) + attachmentXml(t, 1), attachmentXml(t, 1) + attachmentXml(t, 0))],
      ['a reordered manifest', (t: string) => t.replace(referenceXml(t, 0) + referenceXml(t, 1), referenceXml(t, 1) + referenceXml(t, 0))],
      [
        'both reordered together',
        (t: string) => t.replace(referenceXml(t, 0) + referenceXml(t, 1), referenceXml(t, 1) + referenceXml(t, 0)).replace(attachmentXml(t, 0) + attachmentXml(t, 1), attachmentXml(t, 1) + attachmentXml(t, 0)),
      ],
    ])('refuses %s (DIGEST_MISMATCH)', (_what, alter) => {
      const text = signed();
      const altered = alter(text);
      expect(altered).not.toBe(text);
      expect(verify(altered)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    });

    it('signs hostile names and descriptions exactly as they read back', () => {
      const hostile = ' a&b"<c>\'d\t\r\ne ';
      expect(verify(signed([{ ...twoFiles[0], name: hostile, description: hostile, contentId: 'cid:a&b"<c>\td$&' }]))).toMatchObject({ ok: true });
    });
  });

  describe('the package id', () => {
    it('refuses the same signed package under another id (SIGNATURE_PACKAGE_ID_MISMATCH), naming both', () => {
      const other = randomUUID();
      expect(verify(signed(), other)).toMatchObject({ ok: false, code: 'SIGNATURE_PACKAGE_ID_MISMATCH', message: expect.stringMatching(new RegExp(`${id}[\\s\\S]*${other}|${other}[\\s\\S]*${id}`)) });
    });

    it('refuses an edited signed id (DIGEST_MISMATCH)', () => {
      const other = randomUUID();
      expect(verify(signed().replace(id, other), other)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    });

    it('still holds after the hub appended its TraceHeader hop', () => {
      expect(verify(appendTraceHop(Buffer.from(signed()), { organId: 'edx.hub', timestamp: new Date() }).toString('utf8'))).toMatchObject({ ok: true, signedId: id });
    });

    it('is reported, not checked, when the caller knows no id (messageId null: offline verification)', () => {
      expect(verify(signed(), null)).toMatchObject({ ok: true, signedId: id });
    });

    it('refuses a signature that binds no package id (no edx object)', () => {
      const text = signed();
      const stripped = text.replace(/<ds:Reference URI="#edx-package">[\s\S]*?<\/ds:Reference>/, '').replace(/<ds:Object>[\s\S]*?<\/ds:Object>/, '');
      expect(stripped).not.toBe(text);
      expect(verify(stripped)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });

    it('binds a status to its message id, and a status signature is not a package signature', () => {
      const status = buildStatus({
        from: '000.00.00.H41',
        responseFor: { organId: SENDER, code: '1/VPCP', documentId: `${SENDER},2024/01/01,1/VPCP`, promulgationDate: '2024/01/01' },
        statusCode: '03',
        at: new Date(),
      });
      const recipient = pki.issue({ code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' });
      const messageId = randomUUID();
      const packageId = randomUUID();
      const parsed = parseEdxml(writeSignedStatus(status, recipient.identity, messageId, packageId));
      const options = { trustStore: store, senderCode: '000.00.00.H41' };
      expect(verifyEnvelope(parsed, { ...options, messageId, aboutPackageId: packageId })).toMatchObject({ ok: true, signedId: messageId, signedPackageId: packageId });
      expect(verifyEnvelope(parsed, { ...options, messageId: randomUUID() })).toMatchObject({ ok: false, code: 'SIGNATURE_PACKAGE_ID_MISMATCH' });
    });

    it('binds a status to the package it answers: filed under another package it is refused, and the signed id cannot be edited', () => {
      const status = buildStatus({
        from: '000.00.00.H41',
        responseFor: { organId: SENDER, code: '1/VPCP', documentId: `${SENDER},2024/01/01,1/VPCP`, promulgationDate: '2024/01/01' },
        statusCode: '01',
        at: new Date(),
      });
      const recipient = pki.issue({ code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' });
      const messageId = randomUUID();
      const packageId = randomUUID();
      const body = writeSignedStatus(status, recipient.identity, messageId, packageId);
      const options = { trustStore: store, senderCode: '000.00.00.H41', messageId };
      const other = randomUUID();
      expect(verifyEnvelope(parseEdxml(body), { ...options, aboutPackageId: other })).toMatchObject({ ok: false, code: 'SIGNATURE_PACKAGE_ID_MISMATCH', signedPackageId: packageId });
      const edited = Buffer.from(body.toString('utf8').replace(`PackageId="${packageId}"`, `PackageId="${other}"`));
      expect(edited.equals(body)).toBe(false);
      expect(verifyEnvelope(parseEdxml(edited), { ...options, aboutPackageId: other })).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    });
  });

  describe('time: the envelope carries no signing time', () => {
    it('is judged at the verifier\'s time (options.at, default now) and says so', () => {
      const before = Date.now();
      const now = verify(signed());
      expect(now.judgedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(now.signingTime).toBeUndefined();
      const at = new Date(Date.now() - DAY);
      expect(verify(signed(), id, at)).toMatchObject({ ok: true, judgedAt: at, validAtJudgedTime: true });
    });

    it('fails a certificate that was not valid at the judged time, even if it is now', () => {
      const at = new Date(Date.now() - 3650 * DAY);
      expect(verify(signed(), id, at)).toMatchObject({ ok: false, code: 'CERT_NOT_YET_VALID', judgedAt: at, validAtJudgedTime: false });
    });
  });
});
