import { Scenario } from './scenario';

/** A second attachment whose ContentId is the real one with one more "cid:", listed in the manifest too, placed first. */
function smuggle(pkg: Buffer): Buffer {
  const fake = Buffer.from('%PDF-1.4 van ban gia mao').toString('base64');
  return Buffer.from(
    pkg
      .toString('utf8')
      .replace('<edXMLManifest version="1.0">', '<edXMLManifest version="1.0"><Reference><ContentId>cid:cid:1</ContentId><ContentType>application/pdf</ContentType><AttachmentName>van-ban.pdf</AttachmentName></Reference>')
      .replace('<AttachmentEncoded>', `<AttachmentEncoded><Attachment><ContentId>cid:cid:1</ContentId><AttachmentName>van-ban.pdf</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${fake}</ContentTransferEncoded></Attachment>`),
    'utf8',
  );
}

export const smuggledAttachment: Scenario = {
  name: 'an attachment cid:cid:1 smuggled in before the signed cid:1',
  proves: 'ContentIds that differ only by a cid: prefix are refused (EDXML_CONTENT_ID_AMBIGUOUS): no unsigned attachment reaches a recipient',
  publish: (ctx) => [{ as: 'sys-a', body: smuggle(ctx.signedPackage()) }],
  expect: { deadLetter: 'EDXML_CONTENT_ID_AMBIGUOUS', senderTold: true },
};
