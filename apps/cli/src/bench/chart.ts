import { SecondBucket } from './stats';

const W = 860;
const H = 320;
const PAD = { left: 60, right: 60, top: 30, bottom: 40 };

function polyline(points: Array<[number, number]>, color: string): string {
  return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
}

/** An SVG chart: documents completed per second (left axis) and latency p50/p99 (right axis). */
export function benchChart(buckets: readonly SecondBucket[], title: string): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const maxRate = Math.max(1, ...buckets.map((b) => b.completed));
  const maxLatency = Math.max(1, ...buckets.map((b) => b.p99));
  const x = (i: number) => PAD.left + (buckets.length <= 1 ? 0 : (i / (buckets.length - 1)) * plotW);
  const yRate = (v: number) => PAD.top + plotH - (v / maxRate) * plotH;
  const yLat = (v: number) => PAD.top + plotH - (v / maxLatency) * plotH;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PAD.left}" y="18" font-size="14">${esc(title)}</text>`,
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${PAD.left + plotW}" y2="${PAD.top + plotH}" stroke="#999"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="#999"/>`,
    `<line x1="${PAD.left + plotW}" y1="${PAD.top}" x2="${PAD.left + plotW}" y2="${PAD.top + plotH}" stroke="#999"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${maxRate}</text>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>`,
    `<text x="${PAD.left + plotW + 6}" y="${PAD.top + 4}">${Math.round(maxLatency)} ms</text>`,
    `<text x="${PAD.left + plotW + 6}" y="${PAD.top + plotH}">0</text>`,
    `<text x="${PAD.left + plotW / 2}" y="${H - 10}" text-anchor="middle">seconds (${buckets.length})</text>`,
    polyline(buckets.map((b, i) => [x(i), yRate(b.completed)]), '#1f77b4'),
    polyline(buckets.map((b, i) => [x(i), yLat(b.p50)]), '#2ca02c'),
    polyline(buckets.map((b, i) => [x(i), yLat(b.p99)]), '#d62728'),
    `<text x="${PAD.left + 10}" y="${PAD.top + 14}" fill="#1f77b4">documents/s (left)</text>`,
    `<text x="${PAD.left + 150}" y="${PAD.top + 14}" fill="#2ca02c">latency p50 (right)</text>`,
    `<text x="${PAD.left + 290}" y="${PAD.top + 14}" fill="#d62728">latency p99 (right)</text>`,
    '</svg>',
  ].join('\n');
}
