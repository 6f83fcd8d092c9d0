import { createHash, randomBytes } from 'node:crypto';
import { EdxError, isErrorCode, multipartDocumentStream } from '@edx/common';
import { makePdf, signPdf } from '@edx/trust';
import type { IsolatedExchange } from './isolated-exchange';
import { cpuSeconds, peakRssMiB } from './process-stats';

/** The growth no process may exceed while a large document goes through (the design's bound). */
export const GROWTH_LIMIT_MIB = 64;
const BLOCK = 1024 * 1024;

export interface LargeDocumentResult {
  readonly annexBytes: number;
  readonly acceptedAfterSeconds: number;
  readonly arrivedAfterSeconds: number;
  readonly fetchedAfterSeconds: number;
  /** MiB/s of the annex from the start of the upload to the 01 at the sender. */
  readonly endToEndMiBPerSecond: number;
  readonly intact: boolean;
  readonly processes: ReadonlyArray<{ name: string; cpuSeconds: number; peakRssBeforeMiB: number; peakRssAfterMiB: number; growthMiB: number }>;
  readonly withinLimit: boolean;
}

/** `size` bytes of pseudo-random data, made as they are read (a 1 MiB random block, each copy with its index written in), and their SHA-256 once read. */
function annex(size: number): { stream: AsyncIterable<Uint8Array>; digest: () => string } {
  const hash = createHash('sha256');
  const block = randomBytes(BLOCK);
  async function* stream(): AsyncGenerator<Uint8Array> {
    for (let at = 0, i = 0; at < size; at += BLOCK, i++) {
      const piece = Buffer.from(block.subarray(0, Math.min(BLOCK, size - at)));
      piece.writeUInt32BE(i >>> 0, 0);
      hash.update(piece);
      yield piece;
    }
  }
  return { stream: stream(), digest: () => hash.digest('hex') };
}

/**
 * One document with a signed PDF and an annex of `size` bytes, sent as a DMS would send a large file
 * (multipart, the annex streamed), received by the first receiving agency and read back by it as a
 * file: how long each part takes, whether the bytes arrive intact, and how much each process's peak
 * memory grew (VmHWM before and after: an upper bound of what the document cost it).
 */
export async function runLargeDocument(exchange: IsolatedExchange, size: number, log: (line: string) => void): Promise<LargeDocumentResult> {
  const sender = exchange.senders[0];
  const recipient = exchange.receivers[0];
  const access = exchange.receiverAccess.get(recipient)!;
  const pdf = signPdf(makePdf(`Văn bản ${sender.code}`), sender.pdfSigner);
  const before = new Map(exchange.processes.map((p) => [p.pid, { rss: peakRssMiB(p.pid) ?? 0, cpu: cpuSeconds(p.pid) ?? 0 }]));
  const data = annex(size);
  const { contentType, body } = multipartDocumentStream(
    { to: [{ organId: recipient }], subject: 'Hồ sơ rất lớn', codeNumber: '1', codeNotation: 'BENCH', typeName: 'Công văn' },
    [{ name: 'van-ban.pdf', contentType: 'application/pdf', bytes: pdf }, { name: 'phu-luc.bin', contentType: 'application/octet-stream', bytes: data.stream }],
  );
  const started = performance.now();
  const elapsed = () => Number(((performance.now() - started) / 1000).toFixed(1));
  log(`large document: sending a ${(size / 2 ** 30).toFixed(2)} GiB annex (multipart, streamed) from ${sender.code} to ${recipient}...`);
  const res = await exchange.fetch(`${sender.gateway}/v1/documents`, { method: 'POST', headers: { 'x-api-key': sender.apiKey, 'content-type': contentType }, bodyStream: body });
  const sent = (await res.json()) as { id?: string; code?: string; message?: string };
  if (res.status !== 202 || !sent.id) throw new EdxError(sent.code && isErrorCode(sent.code) ? sent.code : 'INTERNAL_ERROR', `The gateway refused the large document: ${sent.message ?? res.status}`);
  const acceptedAfterSeconds = elapsed();
  log(`large document: accepted as ${sent.id} after ${acceptedAfterSeconds} s; waiting for the 01`);
  let status: string | null = null;
  while (status === null) {
    await new Promise((r) => setTimeout(r, 500));
    const view = (await (await exchange.fetch(`${sender.gateway}/v1/documents/${sent.id}`, { headers: { 'x-api-key': sender.apiKey } })).json()) as { recipients?: Array<{ statusCode: string | null; reason?: string }> };
    status = view.recipients?.[0]?.statusCode ?? null;
    if (status && status !== '01') throw new EdxError('DELIVERY_REJECTED', `The recipient answered ${status}: ${view.recipients?.[0]?.reason ?? ''}`);
  }
  const arrivedAfterSeconds = elapsed();
  log(`large document: 01 after ${arrivedAfterSeconds} s; reading the annex back as ${recipient}`);
  const file = await exchange.fetch(`${access.gateway}/v1/documents/${sent.id}/attachments/2`, { headers: { 'x-api-key': access.apiKey } });
  const hash = createHash('sha256');
  let received = 0;
  for await (const piece of file.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(piece);
    received += piece.length;
  }
  const fetchedAfterSeconds = elapsed();
  const intact = received === size && hash.digest('hex') === data.digest();
  const processes = exchange.processes.map((p) => {
    const was = before.get(p.pid)!;
    const after = peakRssMiB(p.pid) ?? 0;
    return { name: p.name, cpuSeconds: Number(((cpuSeconds(p.pid) ?? 0) - was.cpu).toFixed(1)), peakRssBeforeMiB: Math.round(was.rss), peakRssAfterMiB: Math.round(after), growthMiB: Math.round(after - was.rss) };
  });
  return {
    annexBytes: size,
    acceptedAfterSeconds,
    arrivedAfterSeconds,
    fetchedAfterSeconds,
    endToEndMiBPerSecond: Number((size / 2 ** 20 / arrivedAfterSeconds).toFixed(1)),
    intact,
    processes,
    withinLimit: processes.every((p) => p.growthMiB <= GROWTH_LIMIT_MIB),
  };
}
