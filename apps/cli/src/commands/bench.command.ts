import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { multipartDocumentBody } from '@edx/common';
import { buildPackage } from '@edx/edxml';
import { makePdf, signPdf, writeSignedPackage } from '@edx/trust';
import { benchChart } from '../bench/chart';
import { IsolatedExchange } from '../bench/isolated-exchange';
import { availableParallelism, tmpdir } from 'node:os';
import { SERVERS, cpuSeconds, cpuSecondsByName, peakRssMiB } from '../bench/process-stats';
import { measureRawBroker } from '../bench/raw-broker';
import { IdleFloor, measureIdleFloor } from '../bench/idle-floor';
import { GROWTH_LIMIT_MIB, runLargeDocument } from '../bench/large-document-run';
import { listenSse } from '../bench/sse';
import { DOCUMENT_STAGES, StageHop, readStageMarks, stageBreakdown } from '../bench/stages';
import { bindingResource, efficiency, percentile, perSecond } from '../bench/stats';
import { loadCliSettings } from '../cli.env';
import { Command, OptionTable, UsageError, parseOptions } from '../command';

const SIZES: Record<string, number> = { '4k': 0, '1m': 1024 * 1024, '100m': 100 * 1024 * 1024 };

// Counts stay strings here: their defaults depend on other options (see run).
const options = {
  count: { type: 'string', value: 'N', help: 'documents to send (default: 2000; 200 with --size 1m, 3 with --size 100m)' },
  recipients: { type: 'string', value: 'N', default: '2', help: 'recipients per document' },
  size: { type: 'string', value: '4k|1m|100m', default: '4k', help: 'the signed PDF in each document: a small one, 1 MiB or 100 MiB' },
  rate: { type: 'string', value: 'DOCS_PER_S', help: 'open loop: send at this rate whatever the exchange does (default: closed loop, --concurrency in flight)' },
  concurrency: { type: 'string', value: 'N', default: '48', help: 'closed loop: documents in flight at once' },
  hubs: { type: 'string', value: 'N', default: '1', help: 'hub processes' },
  senders: { type: 'string', value: 'N', default: '2', help: 'sending gateways (at most 4)' },
  receivers: { type: 'string', value: 'N', help: 'receiving gateways, at most 8 (default: 4, or --recipients if more)' },
  json: { type: 'string', value: 'FILE', help: 'where to write the result (default: bench-results/bench-SIZE-rRECIPIENTS-hHUBS.json, with an .svg chart beside it)' },
  profile: { type: 'boolean', help: 'write CPU profiles of every process to bench-results/profiles/' },
  stages: { type: 'boolean', help: 'time every document at each stage in every process and print where the time goes, hop by hop' },
  'raw-count': { type: 'string', value: 'N', help: 'messages for the raw broker measurement (default: about 400 MiB of packages, 200 to 20000)' },
  annex: { type: 'string', value: 'SIZE', help: 'instead: one document with a signed PDF and an annex of SIZE (e.g. 2g, 500m) streamed by multipart and read back by the recipient; prints each process\'s memory growth against the 64 MiB bound' },
  upload: { type: 'string', value: 'json|multipart', default: 'json', help: 'how the documents reach the gateway: JSON with the PDF in base64, or multipart/form-data with the PDF as it is' },
  warmup: { type: 'string', value: 'N', help: 'documents sent first the same way and left out of the figures, which report them apart (default: 3 s of --rate, at least 20; 20 closed loop; 5 with --size 1m, 0 with 100m)' },
} as const satisfies OptionTable;

interface Job {
  readonly index: number;
  readonly sender: IsolatedExchange['senders'][number];
  readonly recipients: string[];
  readonly body: string | Uint8Array<ArrayBuffer>;
  readonly contentType: string;
}

// On a terminal the progress line rewrites itself twice a second; in a log, a line every 5 s.
const interactive = Boolean(process.stderr.isTTY);
const progress = (line: string) => process.stderr.write(interactive ? `\r${line.padEnd(100)}` : `${line}\n`);

/**
 * `edx bench` (`npm run bench`): an isolated exchange on this machine's broker and database, the raw
 * broker rate measured in the same run, then `--count` signed documents sent through the sending
 * gateway's REST API (closed loop, or open loop at `--rate`); latency is from the 202 to the last
 * recipient's 01 seen on the sender's live stream.
 */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure end-to-end throughput and latency against the raw broker rate',
  usage: 'bench [--count 2000] [--recipients 2] [--size 4k|1m|100m] [--rate DOCS_PER_S] [--concurrency 48] [--hubs 1] [--senders 2] [--receivers 4] [--warmup N] [--upload json|multipart] [--annex SIZE] [--json FILE] [--profile] [--stages] [--raw-count N]',
  description:
    'Starts an isolated exchange (its own vhost, databases, hub, sending and receiving gateways) on this machine\'s RabbitMQ and PostgreSQL, measures the raw broker rate in the same run, ' +
    'then sends --count signed documents through the sending gateways\' REST API and times each from the 202 to the last recipient\'s receipt. ' +
    'Prints throughput, latency percentiles, CPU per process and what binds; writes the result as JSON (--json FILE, not the usual JSON on stdout) with a chart.',
  options,
  examples: ['edx bench', 'edx bench --size 1m --recipients 3 --hubs 2', 'edx bench --annex 2g', 'edx bench --rate 300 --count 6000 --json bench-results/open-loop.json'],
  jsonOption: 'file',
  async run({ args, print }) {
    const { values } = parseOptions(args, options);
    const size = values.size;
    if (!(size in SIZES)) throw new UsageError('--size must be 4k, 1m or 100m');
    const upload = values.upload;
    if (upload !== 'json' && upload !== 'multipart') throw new UsageError('--upload must be json or multipart');
    const count = Number(values.count ?? (size === '100m' ? 3 : size === '1m' ? 200 : 2000));
    const recipients = Number(values.recipients);
    const receivers = Number(values.receivers ?? Math.max(4, recipients));
    const senders = Number(values.senders);
    const hubs = Number(values.hubs);
    const rate = values.rate !== undefined ? Number(values.rate) : undefined;
    const concurrency = Number(values.concurrency);
    const warmup = Number(values.warmup ?? (size === '100m' ? 0 : size === '1m' ? 5 : rate ? Math.max(20, Math.round(rate * 3)) : 20));
    if (!(Number.isInteger(warmup) && warmup >= 0)) throw new UsageError('--warmup must be a whole number of documents (0 for none)');
    if (rate !== undefined && !(rate > 0)) throw new UsageError(`--rate ${values.rate} is not a positive number of documents per second`);
    if (values['raw-count'] !== undefined && !(Number.isInteger(Number(values['raw-count'])) && Number(values['raw-count']) > 0)) throw new UsageError('--raw-count must be a positive integer');
    if (![count, recipients, receivers, senders, hubs, concurrency].every((n) => Number.isInteger(n) && n > 0) || recipients > receivers || senders > 4 || receivers > 8) {
      throw new UsageError('counts must be positive integers; recipients <= receivers <= 8; senders <= 4');
    }
    const annexBytes = values.annex === undefined ? undefined : sizeInBytes(values.annex);
    if (annexBytes === undefined && values.annex !== undefined) throw new UsageError('--annex takes a size: bytes, or a number with k, m or g (e.g. 2g)');
    const settings = loadCliSettings();
    const outDir = path.resolve('bench-results');
    const jsonFile = path.resolve(values.json ?? path.join(outDir, `bench-${size}-r${recipients}-h${hubs}${rate ? `-rate${rate}` : ''}.json`));
    const profileDir = values.profile ? path.join(outDir, 'profiles') : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const stageLogDir = values.stages ? mkdtempSync(path.join(tmpdir(), 'edx-bench-stages-')) : undefined;

    const exchange = new IsolatedExchange({
      amqpRoot: settings.benchAmqpRoot,
      brokerTlsDir: settings.brokerTlsDir,
      managementUrl: settings.managementUrl,
      databaseRoot: settings.databaseRoot,
      senders, receivers, hubs, profileDir, stageLogDir, log: print,
    });
    const abort = new AbortController();
    const onSignal = () => void exchange.close().finally(() => process.exit(130));
    process.once('SIGINT', onSignal);
    try {
      await exchange.start();
      if (annexBytes !== undefined) return await largeDocument(exchange, annexBytes, values.annex!, path.resolve(values.json ?? path.join(outDir, `bench-annex-${values.annex}.json`)), print);

      // The documents, built before the clock starts: a signed PDF per sender, JSON bodies.
      const pdfs = new Map(exchange.senders.map((s) => [s.code, signPdf(makePdf(`Văn bản ${s.code}`, { padding: SIZES[size] }), s.pdfSigner).toString('base64')]));
      // The warm-up's documents come first and are the same kind: the same senders, sizes and recipients.
      const allJobs: Job[] = await Promise.all(Array.from({ length: warmup + count }, async (_, index) => {
        const sender = exchange.senders[index % exchange.senders.length];
        const to = Array.from({ length: recipients }, (_, k) => exchange.receivers[(index + k) % exchange.receivers.length]);
        const fields = { to: to.map((organId) => ({ organId })), subject: `Văn bản thử nghiệm hiệu năng số ${index}`, codeNumber: String(index + 1), codeNotation: 'BENCH', typeName: 'Công văn' };
        if (upload === 'multipart') {
          const { bytes, contentType } = await multipartDocumentBody(fields, [{ name: 'van-ban.pdf', contentType: 'application/pdf', bytes: Buffer.from(pdfs.get(sender.code)!, 'base64') }]);
          return { index, sender, recipients: to, body: bytes, contentType };
        }
        const body = JSON.stringify({ ...fields, files: [{ name: 'van-ban.pdf', contentType: 'application/pdf', base64: pdfs.get(sender.code)! }] });
        return { index, sender, recipients: to, body, contentType: 'application/json' };
      }));
      const warmJobs = allJobs.slice(0, warmup);
      const jobs = allJobs.slice(warmup);
      const first = exchange.senders[0];
      const { package: sample, attachments } = buildPackage({ from: first.code, to: jobs[0].recipients, subject: 'x'.repeat(40), codeNumber: '1', codeNotation: 'BENCH', typeName: 'Công văn', files: [{ name: 'van-ban.pdf', contentType: 'application/pdf', bytes: Buffer.from(pdfs.get(first.code)!, 'base64') }] });
      const packageBytes = writeSignedPackage(sample, attachments, first.pdfSigner, randomUUID()).length;

      const rawCount = Number(values['raw-count'] ?? Math.max(200, Math.min(20000, Math.floor((400 * 1024 * 1024) / packageBytes))));
      print(`raw broker: ${rawCount} persistent, confirmed, acked messages of ${packageBytes} bytes on a quorum queue...`);
      const rawMessagesPerSecond = size === '100m' ? 0 : await measureRawBroker(exchange.amqpUrl, exchange.rawBrokerTls, packageBytes, rawCount);
      if (rawMessagesPerSecond) print(`raw broker: ${Math.round(rawMessagesPerSecond)} msg/s`);
      let floor: IdleFloor | undefined;
      if (stageLogDir) {
        print('idle floor: confirms, round trips and commits one at a time...');
        floor = await measureIdleFloor(exchange.amqpUrl, exchange.rawBrokerTls, exchange.hubDatabaseUrl);
      }

      // Receipts: every sending agency's live stream; a document is done when each recipient said 01.
      const acceptedAt = new Map<string, number>();
      const receipts = new Map<string, number>();
      const completions: Array<{ at: number; latencyMs: number }> = [];
      /** With --stages: each completed document's accepted and last-01 times on the epoch clock the processes mark with. */
      const timeline: Array<{ id: string; acceptedAt: number; seenAt: number }> = [];
      let rejected = 0;
      let completeAll!: () => void;
      const allDone = new Promise<void>((resolve) => (completeAll = resolve));
      /** The warm-up's documents, kept apart: their latencies are reported, not counted. */
      const warm = { ids: new Set<string>(), latencies: [] as number[], rejected: 0, refused: 0, done: undefined as undefined | (() => void) };
      const warmSettled = () => warm.latencies.length + warm.rejected + warm.refused === warmup && warm.done?.();
      const settle = (id: string) => {
        const at = acceptedAt.get(id);
        if (at === undefined || (receipts.get(id) ?? 0) < recipients) return;
        receipts.delete(id);
        const now = performance.now();
        if (warm.ids.has(id)) {
          warm.latencies.push(now - at);
          warmSettled();
          return;
        }
        completions.push({ at: now, latencyMs: now - at });
        if (stageLogDir) timeline.push({ id, acceptedAt: performance.timeOrigin + at, seenAt: performance.timeOrigin + now });
        if (completions.length + rejected === count) completeAll();
      };
      for (const s of exchange.senders) {
        await listenSse(exchange.fetch, `${s.gateway}/v1/events`, s.apiKey, (type, data) => {
          if (type !== 'status') return;
          const id = String(data.packageId);
          if (data.statusCode === '01') {
            receipts.set(id, (receipts.get(id) ?? 0) + 1);
            settle(id);
          } else if (data.statusCode === '02') {
            if (!warm.ids.has(id)) rejected++;
            else if (warm.ids.delete(id)) {
              warm.rejected++;
              warmSettled();
            }
          }
        }, abort.signal);
      }

      let refused = 0;
      let sent = 0;
      /** What the gateway said to the first document it refused, to print beside the figures. */
      let firstRefusal: string | undefined;
      const send = async (job: Job, warming: boolean) => {
        const res = await exchange.fetch(`${job.sender.gateway}/v1/documents`, { method: 'POST', headers: { 'x-api-key': job.sender.apiKey, 'content-type': job.contentType }, body: job.body });
        const payload = (await res.json()) as { id?: string; code?: string; message?: string };
        if (res.status !== 202 || !payload.id) {
          firstRefusal ??= `${res.status} ${payload.code ?? ''}: ${payload.message ?? ''}`;
          if (warming) {
            warm.refused++;
            warmSettled();
          } else if (completions.length + rejected + ++refused === count) completeAll();
          return;
        }
        if (warming) warm.ids.add(payload.id);
        else sent++;
        acceptedAt.set(payload.id, performance.now());
        settle(payload.id);
      };
      /** Sends `batch` as the run does: on schedule at --rate (open loop), or --concurrency in flight. */
      const sendAll = async (batch: readonly Job[], warming: boolean) => {
        if (rate) {
          // Open loop: documents leave on schedule whether or not earlier ones are done.
          await Promise.all(batch.map((job, k) => new Promise<void>((resolve) => setTimeout(() => void send(job, warming).finally(resolve), (k * 1000) / rate))));
        } else {
          let next = 0;
          await Promise.all(Array.from({ length: concurrency }, async () => {
            while (next < batch.length) await send(batch[next++], warming);
          }));
        }
      };
      if (warmup > 0) {
        progress(`warm-up: ${warmup} documents, not counted...`);
        const warmDone = new Promise<void>((resolve) => (warm.done = resolve));
        await sendAll(warmJobs, true);
        warmSettled();
        let warmDeadline: NodeJS.Timeout | undefined;
        await Promise.race([warmDone, new Promise((r) => (warmDeadline = setTimeout(r, 60_000 + warmup * 100)))]);
        clearTimeout(warmDeadline);
      }

      // The measured run: CPU, servers and the clock from here.
      const cpuBefore = new Map(exchange.processes.map((p) => [p.pid, cpuSeconds(p.pid) ?? 0]));
      const serverCpu = () => Object.fromEntries(Object.entries(SERVERS).map(([server, names]) => [server, cpuSecondsByName(names)]));
      const serversBefore = serverCpu();
      const clientBefore = process.cpuUsage();
      const startedAt = performance.now();
      const ticker = setInterval(() => {
        const elapsed = (performance.now() - startedAt) / 1000;
        progress(`sent ${sent}/${count}  receipted ${completions.length}  ${(completions.length / elapsed).toFixed(0)} docs/s  ${elapsed.toFixed(0)} s`);
      }, interactive ? 500 : 5000);
      await sendAll(jobs, false);
      const timeoutMs = 120_000 + count * (size === '100m' ? 60_000 : 50);
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([allDone, new Promise((r) => (deadline = setTimeout(r, timeoutMs)))]);
      clearTimeout(deadline);
      clearInterval(ticker);
      if (interactive) process.stderr.write('\n');
      const endedAt = completions.length ? completions[completions.length - 1].at : performance.now();
      const stages = stageLogDir ? await stageHops(stageLogDir, timeline) : undefined;
      const seconds = (endedAt - startedAt) / 1000;
      const docsPerSecond = completions.length / seconds;
      const latencies = completions.map((c) => c.latencyMs);
      const processes = exchange.processes.map((p) => ({
        name: p.name,
        cpuSeconds: Number(((cpuSeconds(p.pid) ?? 0) - (cpuBefore.get(p.pid) ?? 0)).toFixed(2)),
        peakRssMiB: Math.round(peakRssMiB(p.pid) ?? 0),
      }));
      const serversAfter = serverCpu();
      const clientCpu = process.cpuUsage(clientBefore);
      const servers = Object.fromEntries(Object.keys(SERVERS).map((server) => [server, Number((serversAfter[server] - serversBefore[server]).toFixed(2))]));
      const loadGeneratorCpuSeconds = Number(((clientCpu.user + clientCpu.system) / 1e6).toFixed(2));
      const cpuByPart = { ...Object.fromEntries(processes.map((p) => [p.name, p.cpuSeconds])), ...servers, 'bench client': loadGeneratorCpuSeconds };
      const bound = bindingResource(cpuByPart, seconds, availableParallelism());
      const result = {
        when: new Date().toISOString(),
        count, size, upload, packageBytes, recipients, hubs, senders, receivers, mode: rate ? `open loop ${rate} docs/s` : `closed loop, ${concurrency} in flight`,
        completed: completions.length, missing: count - completions.length - rejected - refused, rejected, refused,
        seconds: Number(seconds.toFixed(2)),
        docsPerSecond: Number(docsPerSecond.toFixed(1)),
        rawMessagesPerSecond: Math.round(rawMessagesPerSecond),
        efficiency: Number(efficiency(docsPerSecond, recipients, rawMessagesPerSecond).toFixed(3)),
        latencyMs: latencySummary(latencies),
        warmup: { count: warmup, completed: warm.latencies.length, rejected: warm.rejected, refused: warm.refused, latencyMs: latencySummary(warm.latencies) },
        processes,
        servers,
        loadGeneratorCpuSeconds,
        bound,
        busiest: [...processes].sort((a, b) => b.cpuSeconds - a.cpuSeconds)[0]?.name,
        perSecond: perSecond(completions, startedAt),
        ...(stages ? { stages } : {}),
        ...(floor ? { idleFloor: floor } : {}),
      };
      mkdirSync(path.dirname(jsonFile), { recursive: true });
      writeFileSync(jsonFile, JSON.stringify(result, null, 2));
      const svg = jsonFile.replace(/\.json$/, '') + '.svg';
      writeFileSync(svg, benchChart(result.perSecond, `edx ${size} R=${recipients} hubs=${hubs}, ${result.mode}: ${result.docsPerSecond} docs/s, p99 ${result.latencyMs.p99} ms`));

      print('');
      if (warmup > 0) print(`warm-up        ${warm.latencies.length}/${warmup} receipted first and left out of every figure below: p50 ${result.warmup.latencyMs.p50} ms  p99 ${result.warmup.latencyMs.p99} ms  max ${result.warmup.latencyMs.max} ms`);
      print(`documents      ${result.completed}/${count} receipted (${result.rejected} rejected, ${result.refused} refused, ${result.missing} missing) in ${result.seconds} s`);
      if (firstRefusal) print(`first refusal  ${firstRefusal.slice(0, 300)}`);
      print(`throughput     ${result.docsPerSecond} docs/s end to end (${size}, ${packageBytes}-byte packages, R=${recipients}, ${hubs} hub${hubs > 1 ? 's' : ''}, ${result.mode})`);
      print(`latency        p50 ${result.latencyMs.p50} ms  p95 ${result.latencyMs.p95} ms  p99 ${result.latencyMs.p99} ms  max ${result.latencyMs.max} ms  (202 -> last 01 at the sender)`);
      print(`raw broker     ${result.rawMessagesPerSecond} msg/s  ->  efficiency ${result.efficiency} = docs/s x ${1 + 3 * recipients} / raw`);
      for (const p of processes) print(`  ${p.name.padEnd(20)} cpu ${p.cpuSeconds.toFixed(1).padStart(6)} s  peak rss ${String(p.peakRssMiB).padStart(5)} MiB`);
      for (const [server, cpu] of Object.entries(servers)) print(`  ${server.padEnd(20)} cpu ${cpu.toFixed(1).padStart(6)} s`);
      print(`  ${'bench client'.padEnd(20)} cpu ${loadGeneratorCpuSeconds.toFixed(1).padStart(6)} s`);
      print(`bound          ${bound}`);
      if (stages) {
        print('stages         p50 / p95 ms per hop (the last recipient\'s time where there are several)');
        for (const hop of stages) print(`  ${`${hop.from} -> ${hop.to}`.padEnd(56)} ${String(hop.p50Ms).padStart(7)} ${String(hop.p95Ms).padStart(7)}`);
        print(`  ${'sum of the p50s'.padEnd(56)} ${String(Math.round(stages.reduce((sum, h) => sum + h.p50Ms, 0) * 10) / 10).padStart(7)}`);
      }
      if (floor) print(`idle floor     one at a time, ${floor.samples} each (p50): a confirmed publish ${floor.confirmMs} ms, a database round trip ${floor.roundTripMs} ms, a commit ${floor.commitMs} ms`);
      print(`written        ${jsonFile} and ${svg}${profileDir ? `; CPU profiles in ${profileDir}` : ''}`);
      const ok = result.missing === 0 && result.rejected === 0 && result.refused === 0;
      return ok ? { ok, message: 'bench complete', ...result } : { ok, code: 'MESSAGING_PUBLISH_TIMEOUT', message: `${result.missing} documents were not receipted in time, ${result.rejected} rejected, ${result.refused} refused`, ...result };
    } finally {
      abort.abort();
      process.removeListener('SIGINT', onSignal);
      await exchange.close();
      if (stageLogDir) rmSync(stageLogDir, { recursive: true, force: true });
    }
  },
};

const latencySummary = (latencies: readonly number[]) => ({
  p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), p99: Math.round(percentile(latencies, 99)), max: Math.round(percentile(latencies, 100)),
});

/**
 * The per-hop breakdown of --stages. The processes write their marks as they go: the last ones of the
 * last document may still be on their way to the files when its 01 is seen, so this reads until every
 * completed document has its final mark (at most 5 s).
 */
async function stageHops(dir: string, timeline: ReadonlyArray<{ id: string; acceptedAt: number; seenAt: number }>): Promise<StageHop[]> {
  const last = DOCUMENT_STAGES[DOCUMENT_STAGES.length - 2];
  const deadline = Date.now() + 5000;
  let marks = readStageMarks(dir);
  while (timeline.some((d) => !marks.get(d.id)?.has(last)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    marks = readStageMarks(dir);
  }
  return stageBreakdown(marks, timeline);
}

/** A size as the options take it: bytes, or a number with k, m or g (powers of 1024). */
function sizeInBytes(text: string): number | undefined {
  const m = /^(\d+)([kmg]?)$/i.exec(text.trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** `--annex`: one large document through the exchange, its times and every process's memory growth. */
async function largeDocument(exchange: IsolatedExchange, bytes: number, label: string, jsonFile: string, print: (line: string) => void) {
  const result = { when: new Date().toISOString(), ...(await runLargeDocument(exchange, bytes, print)) };
  mkdirSync(path.dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify(result, null, 2));
  print('');
  print(`annex          ${label} (${bytes} bytes) ${result.intact ? 'arrived intact (same SHA-256 read back by the recipient)' : 'DID NOT ARRIVE INTACT'}`);
  print(`times          202 after ${result.acceptedAfterSeconds} s, 01 after ${result.arrivedAfterSeconds} s, read back after ${result.fetchedAfterSeconds} s  (${result.endToEndMiBPerSecond} MiB/s to the 01)`);
  for (const p of result.processes) print(`  ${p.name.padEnd(20)} cpu ${p.cpuSeconds.toFixed(1).padStart(6)} s  peak rss ${String(p.peakRssBeforeMiB).padStart(5)} -> ${String(p.peakRssAfterMiB).padStart(5)} MiB  (+${p.growthMiB})`);
  print(`memory         ${result.withinLimit ? `every process grew by at most ${GROWTH_LIMIT_MIB} MiB` : `a process grew by more than ${GROWTH_LIMIT_MIB} MiB`}`);
  print(`written        ${jsonFile}`);
  const ok = result.intact && result.withinLimit;
  return ok ? { ok, message: 'large document bench complete', ...result } : { ok, code: 'INTERNAL_ERROR' as const, message: result.intact ? 'a process grew past the memory bound' : 'the annex did not arrive intact', ...result };
}
