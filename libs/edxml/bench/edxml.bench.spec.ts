/* Run on demand: EDX_BENCH=1 npx jest libs/edxml/bench --runInBand. Prints figures, asserts nothing timed. */
import { DOMParser } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { buildPackage, parseEdxml, serializeEnvelope, writeEdxml } from '@edx/edxml';

const run = process.env.EDX_BENCH ? it : it.skip;
const mib = 1024 * 1024;
const time = (n: number, f: () => void): number => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - t) / 1e6 / n;
};

run('edxml parse figures', () => {
  const mk = (size: number) => {
    const { package: pkg } = buildPackage({ from: '000.00.00.G22', to: ['000.00.00.H41', '000.00.00.H14'], subject: 'Thử nghiệm', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn' });
    const bytes = Buffer.alloc(size, 7);
    return writeEdxml(serializeEnvelope(pkg), [{ contentId: 'cid:1', name: 'a.pdf', contentType: 'application/pdf', bytes }]);
  };
  const small = mk(1800); // ~4 KiB file
  const mid = mk(Math.round(1.4 * mib * 0.75));
  const out: string[] = [`small file ${small.length} B, mid ${mid.length} B`];
  const saxesOnly = (b: Buffer) => {
    const p = new SaxesParser({ xmlns: true });
    p.on('opentag', () => undefined);
    p.on('text', () => undefined);
    p.write(b.toString('utf8')).close();
  };
  const dom = (b: Buffer) => new DOMParser().parseFromString(b.toString('utf8'), 'text/xml');
  for (let i = 0; i < 200; i++) parseEdxml(small);
  out.push(`4 KiB package: parseEdxml ${time(2000, () => parseEdxml(small)).toFixed(3)} ms, saxes alone ${time(2000, () => saxesOnly(small)).toFixed(3)} ms, xmldom ${time(2000, () => dom(small)).toFixed(3)} ms`);
  const mbps = (ms: number, b: Buffer) => ((b.length / mib) / (ms / 1000)).toFixed(0);
  const a = time(10, () => parseEdxml(mid));
  const s = time(5, () => saxesOnly(mid));
  const d = time(5, () => dom(mid));
  out.push(`1.4 MiB package: parseEdxml ${mbps(a, mid)} MiB/s, saxes over the whole text ${mbps(s, mid)} MiB/s, xmldom ${mbps(d, mid)} MiB/s`);

  const bigBytes = Buffer.alloc(100 * mib, 1);
  global.gc?.();
  const m0 = process.memoryUsage();
  let t = process.hrtime.bigint();
  const file = writeEdxml('<edXMLEnvelope xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>', [{ contentId: '1', name: 'b', contentType: 'application/pdf', bytes: bigBytes }]);
  const wms = Number(process.hrtime.bigint() - t) / 1e6;
  const m1 = process.memoryUsage();
  t = process.hrtime.bigint();
  const parsed = parseEdxml(file);
  const pms = Number(process.hrtime.bigint() - t) / 1e6;
  const m2 = process.memoryUsage();
  const g = (x: NodeJS.MemoryUsage, y: NodeJS.MemoryUsage) =>
    `rss +${((y.rss - x.rss) / mib).toFixed(0)} MiB, heap +${((y.heapUsed - x.heapUsed) / mib).toFixed(0)} MiB, buffers +${((y.arrayBuffers - x.arrayBuffers) / mib).toFixed(0)} MiB`;
  out.push(`100 MiB attachment: write ${wms.toFixed(0)} ms (${file.length} B file; ${g(m0, m1)}); parse ${pms.toFixed(0)} ms = ${mbps(pms, file)} MiB/s (${g(m1, m2)})`);
  expect(parsed.kind).toBe('package');
  console.log(out.join('\n'));
}, 120_000);
