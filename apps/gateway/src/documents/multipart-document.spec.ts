import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { multipartDocumentBody } from '@edx/common';
import { readMultipartDocument } from './multipart-document';

const limits = { maxBytes: 10_000, maxBytesSetting: 'EDX_MAX_PACKAGE_BYTES', maxFiles: 3 };
const file = (name: string, size: number) => ({ name, contentType: 'application/pdf', bytes: Buffer.alloc(size, 7) });

/** A request as the gateway's HTTP server hands it over, its body arriving in pieces. */
function request(body: { contentType: string; bytes: Uint8Array }): IncomingMessage {
  const bytes = Buffer.from(body.bytes);
  const pieces = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
  return Object.assign(Readable.from(pieces), { headers: { 'content-type': body.contentType } }) as unknown as IncomingMessage;
}

describe('readMultipartDocument', () => {
  it('reads the metadata and each file with its name, type and the description the metadata gives it', async () => {
    const read = await readMultipartDocument(request(await multipartDocumentBody({ subject: 'x', files: [{}, { description: 'Phụ lục' }] }, [file('a.pdf', 3000), file('b.pdf', 10)])), limits);
    expect(read.metadata.subject).toBe('x');
    expect(read.files.map((f) => [f.name, f.contentType, f.description, f.bytes.length])).toEqual([['a.pdf', 'application/pdf', undefined, 3000], ['b.pdf', 'application/pdf', 'Phụ lục', 10]]);
  });

  it.each([
    ['files over the limit together', () => multipartDocumentBody({}, [file('a.pdf', 6000), file('b.pdf', 6000)]), 'EDXML_TOO_LARGE', 'more than the 10000 bytes'],
    ['more files than a document has', () => multipartDocumentBody({}, [1, 2, 3, 4].map((n) => file(`${n}.pdf`, 1))), 'REQUEST_INVALID', 'at most 3 files'],
    ['metadata that is a JSON array', () => multipartDocumentBody('[1]', [file('a.pdf', 1)]), 'REQUEST_INVALID', 'not a JSON object'],
  ])('refuses %s', async (_what, body, code, message) => {
    await expect(readMultipartDocument(request(await body()), limits)).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('refuses a field other than metadata, and a body that is not multipart', async () => {
    const form = new FormData();
    form.append('metadata', '{}');
    form.append('subject', 'x');
    const encoded = new Response(form);
    const body = { contentType: encoded.headers.get('content-type')!, bytes: new Uint8Array(await encoded.arrayBuffer()) };
    await expect(readMultipartDocument(request(body), limits)).rejects.toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('"subject"') });
    await expect(readMultipartDocument(request({ contentType: 'multipart/form-data', bytes: Buffer.from('x') }), limits)).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
  });
});
