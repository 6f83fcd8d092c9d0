import { statusAuthorshipRefusal } from './status-authorship';

const document = { senderCode: 'G22', edxmlDocumentId: 'G22,2026/12/01,7816/VPCP', recipients: new Set(['H41', 'H53']) };
const answering = { organId: 'G22', documentId: 'G22,2026/12/01,7816/VPCP' };
const claim = (fromCode: string | undefined, statusCode: string, extra: { responseFor?: typeof answering; issuedByHub?: boolean } = {}) => ({
  fromCode, statusCode, responseFor: 'responseFor' in extra ? extra.responseFor : answering, issuedByHub: extra.issuedByHub,
});

describe('who may say a status about a document', () => {
  it.each([
    ['a recipient, any of its codes', claim('H41', '03')],
    ['a recipient agreeing to a recall', claim('H53', '15')],
    ['the sender asking for it back', claim('G22', '13')],
    ["the hub's 02 about a recipient", claim('H41', '02', { issuedByHub: true })],
    ["the hub's 02 about the whole package", claim(undefined, '02', { issuedByHub: true })],
  ])('accepts %s', (_what, c) => {
    expect(statusAuthorshipRefusal(c, document)).toBeUndefined();
  });

  it.each([
    ['an agency that did not receive it', claim('H99', '03'), 'STATUS_AUTHOR_NOT_RECIPIENT'],
    ['the sender reporting progress of its own document', claim('G22', '06'), 'STATUS_AUTHOR_NOT_RECIPIENT'],
    ['a recipient asking for it back', claim('H41', '13'), 'STATUS_AUTHOR_NOT_SENDER'],
    ['an answer to another document of the same sender', claim('H41', '03', { responseFor: { ...answering, documentId: 'G22,2026/12/01,7817/VPCP' } }), 'STATUS_DOCUMENT_MISMATCH'],
    ['an answer naming another sender', claim('H41', '03', { responseFor: { ...answering, organId: 'G23' } }), 'STATUS_DOCUMENT_MISMATCH'],
    ['a status with no ResponseFor', claim('H41', '03', { responseFor: undefined }), 'STATUS_DOCUMENT_MISMATCH'],
    ['the hub saying anything but 02', claim('H41', '03', { issuedByHub: true }), 'STATUS_AUTHOR_NOT_RECIPIENT'],
    ["the hub's 02 about an agency that is not a recipient", claim('H99', '02', { issuedByHub: true }), 'STATUS_AUTHOR_NOT_RECIPIENT'],
  ])('refuses %s', (_what, c, code) => {
    expect(statusAuthorshipRefusal(c, document)).toMatchObject({ code });
  });
});
