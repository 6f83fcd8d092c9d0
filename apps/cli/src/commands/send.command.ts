import path from 'node:path';
import { EdxError, ErrorCode, Fetch, FetchInit, isErrorCode, multipartDocumentBody } from '@edx/common';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { readDemo, readInput } from '../output/files';
import { cacertOption, fetchFrom } from './transport-options';

interface DocumentView {
  recipients: Array<{ organId: string; statusCode: string | null; description: string | null }>;
}

const options = {
  to: { type: 'string', value: 'CODE[,CODE]', help: 'the receiving agencies, comma-separated (required with PDF files)' },
  subject: { type: 'string', value: 'S', help: "the document's subject, trích yếu (required with PDF files)" },
  number: { type: 'string', value: 'N', help: "the document's number, số (required with PDF files)" },
  notation: { type: 'string', value: 'X', help: "the document's notation, ký hiệu, e.g. VPCP-TTĐT (required with PDF files)" },
  type: { type: 'string', value: 'TYPE', default: 'Công văn', help: "the document's type" },
  gateway: { type: 'string', value: 'URL', help: "the sending agency's gateway (default: the demo's first, from .edx/demo.json)" },
  'api-key': { type: 'string', value: 'KEY', help: "the sending agency's API key at that gateway (default: the demo's first agency, 000.00.00.G22)" },
  wait: { type: 'boolean', help: 'wait until every recipient has answered with a receipt; exit 1 if one rejects it' },
  timeout: { type: 'string', value: 'SECONDS', default: '60', help: 'how long --wait waits for the receipts' },
  ...cacertOption,
} as const satisfies OptionTable;

/** `edx send`: hands a document to a gateway (signed PDFs + fields, or a complete edXML package). */
export const sendCommand: Command = {
  name: 'send',
  summary: 'send a document through a gateway and optionally wait for every receipt',
  usage: 'send (FILE.pdf... --to CODE[,CODE] --subject S --number N --notation X [--type "Công văn"] | PACKAGE.edxml) [--gateway URL] [--api-key KEY] [--wait] [--timeout 60] [--cacert FILE] [--json]',
  description:
    'Hands a document to the sending agency\'s gateway, which signs the envelope and sends it through the hub. Give signed PDF files and the document\'s fields (the gateway builds the edXML package), ' +
    'or one complete .edxml package. Prints the package id; with --wait, follows the receipts until every recipient has answered. After `npm start` it needs no --gateway or --api-key.',
  options,
  examples: [
    'edx send cong-van.pdf --to 000.00.00.H41,000.00.00.H53 --subject "Về việc thử nghiệm" --number 7816 --notation VPCP-TTĐT --wait',
    'edx send package.signed.edxml --gateway https://127.0.0.1:8081 --api-key KEY --cacert .edx/pki/transport/ca.pem',
  ],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, options);
    const timeoutSeconds = Number(values.timeout);
    if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout ${values.timeout} is not a positive number of seconds`);
    const demo = readDemo();
    const gateway = values.gateway ?? demo?.gateways[0]?.url;
    const apiKey = values['api-key'] ?? demo?.gateways[0]?.agencies[0]?.apiKey;
    if (!gateway || !apiKey) throw new UsageError('give --gateway URL and --api-key KEY (or run `npm start` first for the demo defaults)');
    if (positionals.length === 0) throw new UsageError('name the signed PDF file(s), or one .edxml package');
    const client = fetchFrom(values);

    let body: Uint8Array<ArrayBuffer>;
    let contentType: string;
    if (positionals.length === 1 && positionals[0].endsWith('.edxml')) {
      body = new Uint8Array(readInput(positionals[0]));
      contentType = 'application/xml';
    } else {
      if (!values.to || !values.subject || !values.number || !values.notation) throw new UsageError('--to, --subject, --number and --notation are required with PDF files');
      // The files go as they are (multipart), not as base64 inside JSON.
      ({ bytes: body, contentType } = await multipartDocumentBody(
        { to: values.to.split(',').map((organId) => ({ organId: organId.trim() })), subject: values.subject, codeNumber: values.number, codeNotation: values.notation, typeName: values.type },
        positionals.map((file) => ({ name: path.basename(file), contentType: 'application/pdf', bytes: readInput(file) })),
      ));
    }
    const sent = await call<{ id: string; documentId: string; recipients: string[] }>(client, `${gateway}/v1/documents`, apiKey, { method: 'POST', body, headers: { 'content-type': contentType } });
    print(`accepted: ${sent.id} (${sent.documentId}) to ${sent.recipients.join(', ')}`);
    if (!values.wait) return { ok: true, message: `Sent ${sent.id}`, ...sent };

    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const view = await call<DocumentView>(client, `${gateway}/v1/documents/${sent.id}`, apiKey, {});
      const answered = view.recipients.filter((r) => r.statusCode);
      print(`receipts: ${answered.length}/${view.recipients.length} ${answered.map((r) => `${r.organId}=${r.statusCode}`).join(' ')}`);
      if (answered.length === view.recipients.length) {
        const rejected = view.recipients.filter((r) => r.statusCode === '02');
        return rejected.length === 0
          ? { ok: true, message: `Every recipient has it (${sent.id})`, ...sent, receipts: view.recipients }
          : { ok: false, code: rejectionCode(rejected[0].description), message: `Rejected by ${rejected.map((r) => `${r.organId}: ${r.description}`).join('; ')}`, ...sent, receipts: view.recipients };
      }
      if (Date.now() > deadline) return { ok: false, code: 'MESSAGING_PUBLISH_TIMEOUT', message: `Not every receipt arrived within ${timeoutSeconds} s`, ...sent, receipts: view.recipients };
      await new Promise((r) => setTimeout(r, 500));
    }
  },
};

/** A 02 names its reason's code first ("[ROUTING_RECIPIENT_UNKNOWN] …"); a DMS's own words get DELIVERY_REJECTED. */
function rejectionCode(description: string | null): ErrorCode {
  const code = /^\[([A-Z_]+)\]/.exec(description ?? '')?.[1];
  return code && isErrorCode(code) ? code : 'DELIVERY_REJECTED';
}

async function call<T>(client: Fetch, url: string, apiKey: string, init: FetchInit): Promise<T> {
  let res: Response;
  try {
    res = await client(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-api-key': apiKey } });
  } catch (error) {
    if (error instanceof EdxError) throw error;
    throw new EdxError('REQUEST_INVALID', `The gateway at ${url} cannot be reached: ${(error as Error).message}`);
  }
  const payload = (await res.json().catch(() => ({}))) as { code?: string; message?: string } & T;
  if (!res.ok) throw new EdxError(payload.code && isErrorCode(payload.code) ? payload.code : 'INTERNAL_ERROR', payload.message ?? `HTTP ${res.status}`);
  return payload;
}
