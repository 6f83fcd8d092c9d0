import { EdxError } from '@edx/common';
import { assertValid, parseEdxml, ParsedPackage, ParsedStatus, validatePackage, validateStatus, writeEdxml, serializeEnvelope, buildStatus } from '@edx/edxml';
import { PDF_BYTES, handPackage, samplePackage, samplePackageBytes } from '../testing/edxml.fixtures';

const MH = '/edXML/edXMLEnvelope/edXMLHeader/MessageHeader';
const TL = '/edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList';
const parsePkg = (xml: string): ParsedPackage => parseEdxml(Buffer.from(xml)) as ParsedPackage;
const issuesOf = (xml: string) => validatePackage(parsePkg(xml)).map((i) => [i.severity, i.code, i.path]);
const afterTo = handPackage().match(/<DocumentId>.*<\/Subject>/)![0];

describe('validatePackage', () => {
  it('finds nothing wrong in a built package', () => {
    expect(validatePackage(parseEdxml(samplePackageBytes()) as ParsedPackage)).toEqual([]);
  });

  it.each([
    ['a missing sender OrganId', { from: '<From><OrganName>x</OrganName></From>' }, ['error', 'EDXML_REQUIRED', `${MH}/From/OrganId`]],
    ['a missing From', { from: '' }, ['error', 'EDXML_REQUIRED', `${MH}/From`]],
    ['an empty recipient OrganId', { to: '<To><OrganId>000.00.00.H41</OrganId></To><To><OrganId> </OrganId></To>' }, ['error', 'EDXML_REQUIRED', `${MH}/To[2]/OrganId`]],
    ['no recipient', { to: '' }, ['error', 'EDXML_CARDINALITY', `${MH}/To`]],
    ['two From elements', { from: '<From><OrganId>000.00.00.G22</OrganId></From><From><OrganId>000.00.00.G23</OrganId></From>' }, ['error', 'EDXML_CARDINALITY', `${MH}/From`]],
    ['a malformed agency code', { to: '<To><OrganId>not a code</OrganId></To>' }, ['error', 'EDXML_AGENCY_CODE', `${MH}/To[1]/OrganId`]],
    ['a missing DocumentId', { afterTo: afterTo.replace(/<DocumentId>.*<\/DocumentId>/, '') }, ['error', 'EDXML_REQUIRED', `${MH}/DocumentId`]],
    ['a missing Code', { afterTo: afterTo.replace(/<Code>.*<\/Code>/, '') }, ['error', 'EDXML_REQUIRED', `${MH}/Code`]],
    ['an empty CodeNumber', { afterTo: afterTo.replace('<CodeNumber>1</CodeNumber>', '<CodeNumber/>') }, ['error', 'EDXML_REQUIRED', `${MH}/Code/CodeNumber`]],
    ['a missing PromulgationDate', { afterTo: afterTo.replace(/<PromulgationDate>.*<\/PromulgationDate>/, '') }, ['error', 'EDXML_REQUIRED', `${MH}/PromulgationInfo/PromulgationDate`]],
    ['a missing Subject', { afterTo: afterTo.replace(/<Subject>.*<\/Subject>/, '') }, ['error', 'EDXML_REQUIRED', `${MH}/Subject`]],
    ['an impossible date', { afterTo: afterTo.replace('2018/09/28</Prom', '2018/02/30</Prom') }, ['error', 'EDXML_DATE', `${MH}/PromulgationInfo/PromulgationDate`]],
    ['a dd/MM/yyyy date (tolerated)', { afterTo: afterTo.replace('2018/09/28</Prom', '28/09/2018</Prom') }, ['warning', 'EDXML_DATE', `${MH}/PromulgationInfo/PromulgationDate`]],
    ['a SteeringType that is not a bare integer', { afterTo: `${afterTo}<SteeringType>1.0</SteeringType>` }, ['error', 'EDXML_VALUE', `${MH}/SteeringType`]],
    ['an unknown SteeringType', { afterTo: `${afterTo}<SteeringType>7</SteeringType>` }, ['error', 'EDXML_VALUE', `${MH}/SteeringType`]],
    ['a Subject over the usual length', { afterTo: afterTo.replace('<Subject>Thử', `<Subject>${'x'.repeat(501)}`) }, ['warning', 'EDXML_LENGTH', `${MH}/Subject`]],
    ['a BussinessDocType outside 0-3', { trace: '<TraceHeaderList><TraceHeader><Timestamp>2018/09/28 10:00:00</Timestamp></TraceHeader><Bussiness><BussinessDocType>4</BussinessDocType></Bussiness></TraceHeaderList>' }, ['error', 'EDXML_VALUE', `${TL}/Bussiness/BussinessDocType`]],
    ['a bad trace timestamp', { trace: '<TraceHeaderList><TraceHeader><Timestamp>2018-09-28T10:00:00</Timestamp></TraceHeader></TraceHeaderList>' }, ['error', 'EDXML_DATE', `${TL}/TraceHeader[1]/Timestamp`]],
    ['no TraceHeader', { trace: '<TraceHeaderList/>' }, ['error', 'EDXML_CARDINALITY', `${TL}/TraceHeader`]],
    ['a reference without attachment', { attachments: '' }, ['error', 'EDXML_REFERENCE_UNRESOLVED', '/edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference[1]/ContentId']],
    ['an attachment the manifest does not list', { manifest: '<edXMLBody><edXMLManifest/></edXMLBody>' }, ['error', 'EDXML_ATTACHMENT_UNREFERENCED', '/edXML/AttachmentEncoded/Attachment[1]/ContentId']],
    ['invalid base64', { attachments: handPackage().match(/<AttachmentEncoded>.*<\/AttachmentEncoded>/)![0].replace(/<ContentTransferEncoded>[^<]*/, '<ContentTransferEncoded>abc*') }, ['error', 'EDXML_ATTACHMENT_ENCODING', '/edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded']],
    ['truncated base64', { attachments: handPackage().match(/<AttachmentEncoded>.*<\/AttachmentEncoded>/)![0].replace(/<ContentTransferEncoded>[^<]{2}/, '<ContentTransferEncoded>') }, ['error', 'EDXML_ATTACHMENT_ENCODING', '/edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded']],
    ['a zip label on non-zip bytes', { attachments: handPackage().match(/<AttachmentEncoded>.*<\/AttachmentEncoded>/)![0].replace('application/pdf', 'application/zip') }, ['error', 'EDXML_ATTACHMENT_TYPE', '/edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded']],
  ])('reports %s', (_what, parts, expected) => {
    expect(issuesOf(handPackage(parts))).toContainEqual(expected);
  });

  it('tolerates what real traffic carries: no Fax/Website/DueDate/ToPlaces/Signature, empty ResponseFor, hops without OrganId', () => {
    const xml = handPackage({
      afterTo: `${afterTo}<ResponseFor/>`,
      trace: '<TraceHeaderList><TraceHeader><Timestamp>2018/09/28 10:00:00</Timestamp></TraceHeader></TraceHeaderList>',
    });
    expect(validatePackage(parsePkg(xml))).toEqual([]);
  });

  it('reports ALL problems, not the first', () => {
    const xml = handPackage({ from: '<From/>', to: '', afterTo: '', attachments: '' });
    const codes = validatePackage(parsePkg(xml)).map((i) => i.code);
    expect(codes).toEqual(
      expect.arrayContaining(['EDXML_REQUIRED', 'EDXML_CARDINALITY', 'EDXML_REFERENCE_UNRESOLVED']),
    );
    expect(codes.length).toBeGreaterThanOrEqual(6);
  });

  it('matches references and attachments after stripping cid:', () => {
    const { package: pkg, attachments } = samplePackage();
    const noCid = attachments.map((a) => ({ ...a, contentId: a.contentId.replace('cid:', '') }));
    expect(validatePackage(parseEdxml(writeEdxml(serializeEnvelope(pkg), noCid)) as ParsedPackage)).toEqual([]);
  });
});

describe('validatePackage: each attachment bound by its exact ContentId', () => {
  const MF = '/edXML/edXMLEnvelope/edXMLBody/edXMLManifest';
  const AE = '/edXML/AttachmentEncoded';
  const b64 = PDF_BYTES.toString('base64');
  const reference = (id: string, name = 'a.pdf') => `<Reference><ContentId>${id}</ContentId><ContentType>application/pdf</ContentType><AttachmentName>${name}</AttachmentName></Reference>`;
  const attachment = (id: string, name = 'a.pdf') =>
    `<Attachment><ContentId>${id}</ContentId><AttachmentName>${name}</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${b64}</ContentTransferEncoded></Attachment>`;
  const withIds = (references: string[], attachments: string[]) =>
    validatePackage(
      parsePkg(
        handPackage({
          manifest: `<edXMLBody><edXMLManifest version="1.0">${references.map((id) => reference(id)).join('')}</edXMLManifest></edXMLBody>`,
          attachments: `<AttachmentEncoded>${attachments.map((id) => attachment(id)).join('')}</AttachmentEncoded>`,
        }),
      ),
    ).map((i) => [i.code, i.path]);

  it('refuses an extra attachment cid:cid:1, with its own Reference, placed before the real cid:1', () => {
    expect(withIds(['cid:cid:1', 'cid:1'], ['cid:cid:1', 'cid:1'])).toEqual(
      expect.arrayContaining([
        ['EDXML_CONTENT_ID_AMBIGUOUS', `${AE}/Attachment[2]/ContentId`],
        ['EDXML_CONTENT_ID_AMBIGUOUS', `${MF}/Reference[2]/ContentId`],
      ]),
    );
  });

  it.each([
    ['cid:1 and 1', ['cid:1', '1']],
    ['cid:1 and CID:1', ['cid:1', 'CID:1']],
    ['1 and cid:cid:1', ['1', 'cid:cid:1']],
  ])('refuses two attachments whose ContentIds differ only by a cid: prefix (%s)', (_what, ids) => {
    expect(withIds(ids, ids)).toEqual(expect.arrayContaining([['EDXML_CONTENT_ID_AMBIGUOUS', `${AE}/Attachment[2]/ContentId`]]));
  });

  it('refuses two attachments with one ContentId, and two References to one attachment', () => {
    expect(withIds(['cid:1'], ['cid:1', 'cid:1'])).toContainEqual(['EDXML_CARDINALITY', `${AE}/Attachment[2]/ContentId`]);
    expect(withIds(['cid:1', 'cid:1'], ['cid:1'])).toContainEqual(['EDXML_CARDINALITY', `${MF}/Reference[2]/ContentId`]);
  });

  it('strips one cid: to match a Reference to its Attachment, never a second one', () => {
    expect(withIds(['cid:1'], ['1'])).toEqual([]);
    expect(withIds(['cid:cid:1'], ['cid:1'])).toEqual([
      ['EDXML_REFERENCE_UNRESOLVED', `${MF}/Reference[1]/ContentId`],
      ['EDXML_ATTACHMENT_UNREFERENCED', `${AE}/Attachment[1]/ContentId`],
    ]);
  });

  it('does not fold case: cid:A and cid:a are two attachments, and cid:A does not resolve cid:a', () => {
    expect(withIds(['cid:A', 'cid:a'], ['cid:A', 'cid:a'])).toEqual([]);
    expect(withIds(['cid:A'], ['cid:a'])).toEqual([
      ['EDXML_REFERENCE_UNRESOLVED', `${MF}/Reference[1]/ContentId`],
      ['EDXML_ATTACHMENT_UNREFERENCED', `${AE}/Attachment[1]/ContentId`],
    ]);
  });
});

describe('validatePackage: TraceHeader hops written by other systems', () => {
  const hop = (organId: string) =>
    handPackage({
      trace: `<TraceHeaderList><TraceHeader><OrganId>000.00.00.G22</OrganId><Timestamp>2018/09/28 10:00:00</Timestamp></TraceHeader><TraceHeader><OrganId>${organId}</OrganId><Timestamp>2018/09/28 10:00:01</Timestamp></TraceHeader></TraceHeaderList>`,
    });

  it.each(['VPCP-TRUC', 'vxp.saas.03', '02.29.W00', 'Trục liên thông quốc gia', 'axis:node/7'])('accepts a hop whose OrganId is %s', (organId) => {
    expect(validatePackage(parsePkg(hop(organId)))).toEqual([]);
  });

  it('still bounds a hop OrganId: over 100 characters, or holding markup or control characters, is refused', () => {
    expect(issuesOf(hop('x'.repeat(101)))).toContainEqual(['error', 'EDXML_LENGTH', `${TL}/TraceHeader[2]/OrganId`]);
    expect(issuesOf(hop('a&lt;b'))).toContainEqual(['error', 'EDXML_VALUE', `${TL}/TraceHeader[2]/OrganId`]);
    expect(issuesOf(hop('a&#9;b'))).toContainEqual(['error', 'EDXML_VALUE', `${TL}/TraceHeader[2]/OrganId`]);
  });

  it('stays strict on From and To', () => {
    expect(issuesOf(handPackage({ from: '<From><OrganId>VPCP-TRUC</OrganId></From>' }))).toContainEqual(['error', 'EDXML_AGENCY_CODE', `${MH}/From/OrganId`]);
    expect(issuesOf(handPackage({ to: '<To><OrganId>VPCP-TRUC</OrganId></To>' }))).toContainEqual(['error', 'EDXML_AGENCY_CODE', `${MH}/To[1]/OrganId`]);
  });
});

describe('assertValid', () => {
  it('passes warnings and throws the first error with every issue in details', () => {
    expect(() => assertValid([{ code: 'EDXML_LENGTH', path: '/x', message: 'long', severity: 'warning' }])).not.toThrow();
    const issues = validatePackage(parsePkg(handPackage({ from: '<From/>', to: '' })));
    try {
      assertValid(issues);
      throw new EdxError('INTERNAL_ERROR', 'should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(EdxError);
      expect((e as EdxError).code).toBe('EDXML_REQUIRED');
      expect((e as EdxError).details).toEqual({ issues });
      expect((e as EdxError).message).toMatch(/At \/edXML.*more problem/);
    }
  });
});

describe('validateStatus', () => {
  const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
  const statusOf = (s: ReturnType<typeof buildStatus>) =>
    parseEdxml(Buffer.from(`<edXML xmlns="${NS}">${serializeEnvelope(s)}</edXML>`)) as ParsedStatus;
  const base = () =>
    buildStatus({
      from: '000.00.00.H41',
      responseFor: { organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', documentId: '000.00.00.G22,2018/09/28,7816/VPCP-TTĐT', promulgationDate: '2018/09/28' },
      statusCode: '01',
      at: new Date('2018-09-28T10:00:00Z'),
    });

  it('accepts a built status', () => {
    expect(validateStatus(statusOf(base()))).toEqual([]);
  });
  it('reports a status code that is not two digits', () => {
    expect(validateStatus(statusOf({ ...base(), statusCode: '1' }))).toContainEqual(
      expect.objectContaining({ code: 'EDXML_STATUS_CODE', severity: 'error', path: `${MH}/StatusCode` }),
    );
  });
  it('keeps an unknown two-digit code as given with a warning', () => {
    const parsed = statusOf({ ...base(), statusCode: '99' });
    expect(parsed.status.statusCode).toBe('99');
    expect(validateStatus(parsed)).toEqual([expect.objectContaining({ code: 'EDXML_STATUS_CODE', severity: 'warning' })]);
  });
  it('reports a missing ResponseFor and a bad timestamp', () => {
    const rest = { ...base() };
    delete rest.responseFor;
    const codes = validateStatus(statusOf({ ...rest, timestamp: 'yesterday' })).map((i) => [i.code, i.path]);
    expect(codes).toEqual([
      ['EDXML_REQUIRED', `${MH}/ResponseFor`],
      ['EDXML_DATE', `${MH}/Timestamp`],
    ]);
  });
});
