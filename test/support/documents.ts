import type { Fetch } from '@edx/common';
import { IssuedIdentity, PdfSignOptions, makePdf, signPdf } from '@edx/trust';

/** A legal document as a DMS would hand it over: a PDF signed by the issuing organisation (`options` as signPdf takes them). */
export function signedPdf(organisation: IssuedIdentity, text = 'Công văn thử nghiệm', options?: PdfSignOptions): Buffer {
  return signPdf(makePdf(text), organisation.identity, options);
}

export function documentFields(to: string[], pdf: Buffer, subject = 'V/v thử nghiệm liên thông') {
  return {
    to: to.map((organId) => ({ organId })),
    subject,
    codeNumber: String(Math.floor(Math.random() * 100000)),
    codeNotation: 'VPCP-TTĐT',
    typeName: 'Công văn',
    files: [{ name: 'cong-van.pdf', contentType: 'application/pdf', base64: pdf.toString('base64') }],
  };
}

/** A DMS's call to its gateway over `client` (HTTPS trusting the exchange's transport CA): JSON or raw edXML in, the status and the parsed body out. */
export interface ApiInit {
  readonly method?: string;
  readonly body?: unknown;
  readonly raw?: Buffer;
  /** A multipart/form-data body, made by multipartDocumentBody. */
  readonly multipart?: { readonly contentType: string; readonly bytes: Uint8Array<ArrayBuffer> };
}

export async function api<T = Record<string, unknown>>(client: Fetch, url: string, apiKey: string, init: ApiInit = {}): Promise<{ status: number; body: T }> {
  const type = init.multipart ? init.multipart.contentType : init.raw ? 'application/xml' : init.body ? 'application/json' : undefined;
  const res = await client(url, {
    method: init.method ?? (init.body || init.raw || init.multipart ? 'POST' : 'GET'),
    headers: { 'x-api-key': apiKey, ...(type ? { 'content-type': type } : {}) },
    body: init.multipart ? init.multipart.bytes : init.raw ? new Uint8Array(init.raw) : init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}
