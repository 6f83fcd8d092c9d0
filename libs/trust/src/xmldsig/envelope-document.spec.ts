import { randomUUID } from 'node:crypto';
import { buildPackage, buildStatus, parseEdxml } from '@edx/edxml';
import { axisShapes } from '@edx/testing';
import { createDevPki } from '../pki/dev-pki';
import { TrustStore } from '../certs/trust-store';
import { canonical, parseEnvelope } from './envelope-dom';
import { verifyEnvelope } from './envelope-verification';
import { writeSignedPackage, writeSignedStatus } from './package-signing';

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** Every element of `doc` in document order. */
function elements(doc: Document): Element[] {
  const all = doc.getElementsByTagName('*');
  return Array.from({ length: all.length }, (_, i) => all[i]);
}

/** An envelope made by hand around `inner` (inside MessageHeader), with `rootAttributes` on edXML. */
const envelope = (inner: string, rootAttributes = `xmlns="${NS}"`, envelopeAttributes = '') =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<edXML ${rootAttributes}><edXMLEnvelope${envelopeAttributes}><edXMLHeader><MessageHeader Id="mh">${inner}</MessageHeader></edXMLHeader><edXMLBody/></edXMLEnvelope></edXML>`);

/**
 * The envelope's DOM is built from the edXML parser's own events, and the envelope signature is
 * checked on it. Its canonical form must be exactly what a DOM parser's tree of the same envelope
 * gives (the form signers have always digested): every element of every shape compared.
 */
describe("the envelope DOM built from the parser's own reading", () => {
  const pki = createDevPki();
  const agency = pki.issue({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' });
  const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);

  const signedPackage = () => {
    const { package: pkg, attachments } = buildPackage({ from: '000.00.00.G22', to: ['000.00.00.H41', '000.00.00.H53'], subject: 'Công văn "số" <1> & đính kèm\tphụ lục', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn', files: [{ name: 'a&b.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 x') }] });
    return writeSignedPackage(pkg, attachments, agency.identity, randomUUID());
  };
  const signedStatus = () =>
    writeSignedStatus(buildStatus({ from: '000.00.00.H41', responseFor: { organId: '000.00.00.G22', code: '1/VPCP', promulgationDate: '2026/12/01', documentId: '000.00.00.G22,2026/12/01,1/VPCP' }, statusCode: '01', description: 'Đã đến\r\nlúc 8 giờ' }), agency.identity, randomUUID(), randomUUID());

  const cases: Array<{ name: string; bytes: Buffer }> = [
    { name: 'a package the gateway signed', bytes: signedPackage() },
    { name: 'a status the gateway signed (a CR LF in its description)', bytes: signedStatus() },
    ...axisShapes().map((s) => ({ name: s.name, bytes: s.bytes })),
    { name: 'comments, CDATA and character references in text', bytes: envelope('<!-- a comment --><Subject>a<![CDATA[ <b> & ]]>&#13;&#9;&lt;&gt;&amp;&quot;&apos;&#x1F600;</Subject>') },
    { name: 'attribute values: references, quotes, literal tabs and line ends, xml:lang', bytes: envelope(`<Subject a="x&#9;y&#10;z&#13;" b='"q"' c="t\tl\nr\r\nn" xml:lang="vi">s</Subject>`) },
    { name: 'attributes in other namespaces and out of order', bytes: envelope('<Subject z="1" p:b="2" a="3" q:a="4" xmlns:p="urn:p" xmlns:q="urn:a">s</Subject>') },
    { name: 'prefixes declared on the root only, the default namespace undeclared inside', bytes: envelope('<e:Subject><Plain xmlns="">x</Plain></e:Subject>', `xmlns="${NS}" xmlns:e="${NS}" xmlns:unused="urn:unused"`) },
    { name: 'a prefixed envelope with its own declarations, CR LF line ends between elements', bytes: Buffer.from(`<x:edXML xmlns:x="${NS}">\r\n<x:edXMLEnvelope xmlns:y="urn:y">\r\n<x:edXMLHeader>\r\n<x:MessageHeader Id="mh" y:k="v">\r\n<x:Subject>a\r\nb</x:Subject></x:MessageHeader></x:edXMLHeader><x:edXMLBody/></x:edXMLEnvelope></x:edXML>`) },
    { name: 'empty elements written both ways, whitespace-only text', bytes: envelope('<A/><B></B>  \n\t <C> </C>') },
  ];

  it.each(cases)('canonicalises every element as a DOM parser of the envelope text does: $name', ({ bytes }) => {
    const parsed = parseEdxml(bytes);
    expect(parsed.envelopeDocument).toBeDefined();
    const built = elements(parsed.envelopeDocument!);
    const reparsed = elements(parseEnvelope(parsed.envelopeXml));
    expect(built.map((e) => e.tagName)).toEqual(reparsed.map((e) => e.tagName));
    built.forEach((element, i) => expect(canonical(element)).toBe(canonical(reparsed[i])));
  });

  it('is not enumerable (a view of the bytes, not content) and is the one the signature is verified on', () => {
    const bytes = signedPackage();
    const parsed = parseEdxml(bytes);
    expect(Object.keys(parsed)).not.toContain('envelopeDocument');
    // Alter the built tree the way a second parser might read the envelope differently: the check fails on it.
    const subject = parsed.envelopeDocument!.getElementsByTagNameNS(NS, 'Subject')[0];
    subject.textContent = 'Công văn khác';
    expect(verifyEnvelope(parsed, { trustStore: store, messageId: null, senderCode: '000.00.00.G22' })).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
  });

  it('builds the DOM of the root\'s own envelope only, never of a decoy envelope nested elsewhere', () => {
    const decoy = envelope('<Subject>decoy</Subject>').toString('utf8').replace(/^<\?xml[^>]*>\n/, '').replace(`<edXML xmlns="${NS}">`, `<Wrapper xmlns="${NS}">`).replace('</edXML>', '</Wrapper>');
    const bytes = Buffer.from(envelope('<Subject>real</Subject>').toString('utf8').replace('<edXMLEnvelope>', `${decoy}<edXMLEnvelope>`));
    const parsed = parseEdxml(bytes);
    expect(parsed.envelopeDocument!.getElementsByTagNameNS(NS, 'Subject')[0].textContent).toBe('real');
    expect(parsed.envelopeXml).toContain('real');
  });

  it('refuses an envelope holding a processing instruction: exclusive c14n as verified would read it as text', () => {
    const bytes = signedPackage().toString('utf8');
    const subject = /<Subject>([^<]*)<\/Subject>/.exec(bytes)!;
    // The signed subject's text moved into a processing instruction canonicalises the same: the model would read an empty subject.
    const altered = Buffer.from(bytes.replace(subject[0], `<Subject><?x ${subject[1]}?></Subject>`));
    expect(verifyEnvelope(parseEdxml(altered), { trustStore: store, messageId: null, senderCode: '000.00.00.G22' })).toMatchObject({ ok: false, code: 'SIGNATURE_MALFORMED', message: expect.stringContaining('processing instruction') });
  });
});
